from booking.models.appointments import (
    HOLDING_STATES,
    Appointment,
    AppointmentEvent,
    AppointmentSeries,
    AppointmentState,
    ClientMembership,
    MembershipPlan,
    WaitlistEntry,
)
from booking.models.catalog import ClassSession, ClassType, Service, ServiceStaff, StaffMember
from booking.models.clients import Client
from booking.models.schedule import ScheduleException, Weekday, WorkingHours
from booking.models.tenants import (
    CURRENCY_CHOICES,
    ApiToken,
    Business,
    Extension,
    Role,
    StaffMembership,
)

__all__ = [
    "CURRENCY_CHOICES", "HOLDING_STATES", "ApiToken", "Appointment", "AppointmentEvent",
    "AppointmentSeries", "AppointmentState", "Business", "ClassSession", "ClassType", "Client",
    "ClientMembership", "Extension", "MembershipPlan", "Role", "ScheduleException", "Service",
    "ServiceStaff", "StaffMember", "StaffMembership", "WaitlistEntry", "Weekday", "WorkingHours",
]
