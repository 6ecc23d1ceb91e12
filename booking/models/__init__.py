from booking.models.appointments import (
    HOLDING_STATES,
    Appointment,
    AppointmentEvent,
    AppointmentSeries,
    AppointmentState,
    AppointmentStep,
    ClientMembership,
    MembershipPlan,
    WaitlistEntry,
)
from booking.models.catalog import ClassSession, ClassType, Service, ServiceStaff, StaffMember
from booking.models.clients import Client
from booking.models.schedule import ScheduleException, Weekday, WorkingHours

__all__ = [
    "HOLDING_STATES", "Appointment", "AppointmentEvent", "AppointmentSeries", "AppointmentState",
    "AppointmentStep",
    "ClassSession", "ClassType", "Client", "ClientMembership", "MembershipPlan",
    "ScheduleException", "Service", "ServiceStaff", "StaffMember", "WaitlistEntry", "Weekday",
    "WorkingHours",
]
