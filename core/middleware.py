from django.utils import timezone


class TimeZoneResetMiddleware:
    """Every request starts and ends in UTC, the server's zone.

    The back office and booking site wrappers (booking/access.py) and the API's token
    authentication activate their business's zone for one request; a thread serves many
    requests of many businesses, so the zone must never outlive the request that set it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
