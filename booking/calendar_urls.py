"""Back office calendar, under /manage/<slug>/ (names in the `booking` namespace)."""

from django.urls import path

from booking.views import calendar, calendar_board

urlpatterns = [
    path("calendar/", calendar_board.calendar_day, name="calendar-day"),
    path("calendar/week/", calendar_board.calendar_week, name="calendar-week"),
    path("calendar/events/", calendar_board.calendar_events, name="calendar-events"),
    # The same days as plain pages, for keyboards and screen readers.
    path("calendar/list/", calendar.calendar_day, name="calendar-list"),
    path("calendar/list/week/", calendar.calendar_week, name="calendar-list-week"),
    path("appointments/new/", calendar.appointment_new, name="appointment-new"),
    # The calendar's side panel: book from a free cell without leaving the calendar.
    path("appointments/book/", calendar_board.appointment_panel, name="appointment-panel"),
    path("appointments/clients/", calendar.client_search, name="appointment-client-search"),
    path("appointments/<int:appointment_pk>/", calendar.appointment_detail,
         name="appointment-detail"),
    path("appointments/<int:appointment_pk>/state/", calendar.appointment_state,
         name="appointment-state"),
    path("appointments/<int:appointment_pk>/cancel-following/",
         calendar.appointment_cancel_following, name="appointment-cancel-following"),
    path("appointments/<int:appointment_pk>/move/", calendar.appointment_move,
         name="appointment-move"),
    path("appointments/<int:appointment_pk>/drop/", calendar_board.appointment_drop,
         name="appointment-drop"),
    path("appointments/<int:appointment_pk>/card/", calendar_board.appointment_card,
         name="appointment-card"),
    path("appointments/<int:appointment_pk>/rebook/", calendar_board.appointment_rebook,
         name="appointment-rebook"),
    path("class-sessions/<int:class_session_pk>/", calendar.class_session_detail,
         name="class-session-detail"),
    path("class-sessions/<int:class_session_pk>/seats/", calendar.class_session_add,
         name="class-session-add"),
]
