"""The smallest WSGI application, for tests of the gunicorn configuration alone."""


def application(environ, start_response):
    body = b"hello"
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(body)))])
    return [body]
