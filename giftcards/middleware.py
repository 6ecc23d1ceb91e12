"""Makes the client's address known to code checks that booking calls without the request."""

from core.ratelimit import client_address
from giftcards.guessing import request_address


class ClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_address.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            request_address.reset(token)
