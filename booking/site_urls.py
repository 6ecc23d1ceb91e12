"""Booking on the site: services, class seats, confirmations and "My appointments".

Included in booking/urls.py (namespace "booking") before the site's other pages.
"""

from django.urls import path

from booking.views import site_booking

urlpatterns = [
    path("<slug:slug>/book/<int:service_pk>/", site_booking.book_service,
         name="site-book-service"),
    path("<slug:slug>/book/<int:service_pk>/confirm/", site_booking.confirm_service,
         name="site-book-confirm"),
    path("<slug:slug>/classes/<int:class_session_pk>/", site_booking.class_session,
         name="site-class-session"),
    path("<slug:slug>/classes/<int:class_session_pk>/waitlist/", site_booking.join_waitlist,
         name="site-waitlist-join"),
    path("<slug:slug>/classes/<int:class_session_pk>/waitlist/leave/",
         site_booking.leave_waitlist, name="site-waitlist-leave"),
    path("<slug:slug>/appointments/", site_booking.my_appointments,
         name="site-my-appointments"),
    path("<slug:slug>/appointments/<int:appointment_pk>/", site_booking.appointment_detail,
         name="site-appointment"),
    path("<slug:slug>/appointments/<int:appointment_pk>/calendar.ics",
         site_booking.appointment_calendar, name="site-appointment-calendar"),
    path("<slug:slug>/appointments/<int:appointment_pk>/cancel/",
         site_booking.cancel_appointment, name="site-appointment-cancel"),
]
