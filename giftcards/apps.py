from django.apps import AppConfig


class GiftcardsConfig(AppConfig):
    name = "giftcards"
