"""Makes the client's address known to code checks that booking calls without the request."""

from giftcards.guessing import client_address


class ClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_address.set(request.META.get("REMOTE_ADDR") or "unknown")
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)
