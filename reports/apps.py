from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self):
        from booking import hooks
        from reports import views_dashboard

        # The back office home is the dashboard: it reads sales, which booking cannot.
        hooks.register_home_view(views_dashboard.home)
