from rest_framework import viewsets


class TenantViewSetMixin:
    """API views of one business: the business is the token's, never the request's.

    Subclasses set `model` and get every row through `get_queryset`, so that another
    business's id answers 404 like a missing one.
    """

    model = None
    # Object ids are integers: anything else is a 404 from the router, never a 500.
    lookup_value_regex = "[0-9]+"

    @property
    def business(self):
        return self.request.auth.business

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # The schema generator has no token: it only needs the model.
            return self.model.objects.none()
        return self.model.objects.for_business(self.business)

    def get_serializer_context(self):
        # Serializers that word or format for a business (descriptions, local days) read it here.
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["business"] = self.business
        return context


class TenantModelViewSet(TenantViewSetMixin, viewsets.GenericViewSet):
    pass
