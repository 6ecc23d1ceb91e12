from django.conf import settings
from django.core.management.base import BaseCommand

from demo import data


class Command(BaseCommand):
    help = "Load the demo businesses, team and clients (running it twice changes nothing)."

    def handle(self, *args, **options):
        businesses = data.load()
        site = settings.SITE_URL
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"\n  Back office:   {site}/accounts/login/")
        for business in businesses.values():
            self.stdout.write(f"  Booking site:  {site}/{business.slug}/   ({business.name})")
        self.stdout.write(f"  API docs:      {site}/api/v1/docs/")
        self.stdout.write(f"  Emails sent:   shown in this terminal (mail catcher on "
                          f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT})")
        self.stdout.write(f"\n  Demo logins (password for all: {data.PASSWORD}):")
        for login in data.LOGINS:
            self.stdout.write(f"    {login.role:<26} {login.email:<26} {site}{login.where}")
        self.stdout.write("")
