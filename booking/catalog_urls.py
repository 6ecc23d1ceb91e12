"""Back office catalog and schedules, under /manage/<slug>/ (names in the `booking` namespace)."""

from django.urls import path

from booking.views import catalog, schedule

urlpatterns = [
    path("services/", catalog.service_list, name="service-list"),
    path("services/new/", catalog.service_create, name="service-create"),
    path("services/<int:service_pk>/edit/", catalog.service_edit, name="service-edit"),
    path("services/<int:service_pk>/active/", catalog.service_set_active,
         name="service-set-active"),
    path("services/<int:service_pk>/move/", catalog.service_move, name="service-move"),
    path("staff/", catalog.staff_member_list, name="staff-member-list"),
    path("staff/new/", catalog.staff_member_create, name="staff-member-create"),
    path("staff/<int:staff_member_pk>/edit/", catalog.staff_member_edit,
         name="staff-member-edit"),
    path("staff/<int:staff_member_pk>/move/", catalog.staff_member_move,
         name="staff-member-move"),
    path("staff/<int:staff_member_pk>/schedule/", schedule.staff_member_schedule,
         name="staff-member-schedule"),
    path("staff/<int:staff_member_pk>/schedule/hours/", schedule.working_hours_edit,
         name="working-hours-edit"),
    path("staff/time-off/", schedule.schedule_exception_list, name="schedule-exception-list"),
    path("staff/time-off/new/", schedule.schedule_exception_create,
         name="schedule-exception-create"),
    path("staff/time-off/<int:schedule_exception_pk>/delete/",
         schedule.schedule_exception_delete, name="schedule-exception-delete"),
    path("classes/", catalog.class_type_list, name="class-type-list"),
    path("classes/new/", catalog.class_type_create, name="class-type-create"),
    path("classes/<int:class_type_pk>/edit/", catalog.class_type_edit, name="class-type-edit"),
    path("classes/sessions/", catalog.class_session_list, name="class-session-list"),
    path("classes/sessions/new/", catalog.class_session_create, name="class-session-create"),
    path("classes/sessions/<int:class_session_pk>/cancel/", catalog.class_session_cancel,
         name="class-session-cancel"),
    path("memberships/", catalog.membership_plan_list, name="membership-plan-list"),
    path("memberships/new/", catalog.membership_plan_create, name="membership-plan-create"),
    path("memberships/<int:membership_plan_pk>/edit/", catalog.membership_plan_edit,
         name="membership-plan-edit"),
    path("clients/<int:client_pk>/memberships/", catalog.client_membership_assign,
         name="client-membership-assign"),
    path("clients/<int:client_pk>/memberships/<int:client_membership_pk>/cancel/",
         catalog.client_membership_cancel, name="client-membership-cancel"),
]
