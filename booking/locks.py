"""Row locks, one named function per model, always in primary-key order.

Two use cases that lock the same rows then wait for each other instead of
deadlocking. Every booking of a staff member's time locks that staff member first.
"""

from booking.models import Appointment, ClassSession, StaffMember
from tenancy.models import Business


def lock_staff_members(business: Business, staff_member_ids) -> list[StaffMember]:
    return list(StaffMember.objects.for_business(business).select_for_update()
                .filter(pk__in=staff_member_ids).order_by("pk"))


def lock_class_session(business: Business, class_session_id: int) -> ClassSession:
    return (ClassSession.objects.for_business(business).select_for_update()
            .select_related("class_type").get(pk=class_session_id))


def lock_appointment(business: Business, appointment_id: int) -> Appointment:
    return Appointment.objects.for_business(business).select_for_update().get(pk=appointment_id)
