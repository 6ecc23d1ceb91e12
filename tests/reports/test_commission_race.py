"""Two managers saving the same new commission rate at the same moment, with real threads
on PostgreSQL: both are saved in turn (the later one wins), never a unique-constraint
error."""

import threading
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection

from reports import services
from reports.models import CommissionRate
from tests.factories import ServiceFactory, StaffMemberFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(saves) -> list[str]:
    """Run the saves in threads, each held before its insert until every one found no rate
    to change: the moment two managers press Save together. Returns "ok" or the error."""
    results, barrier = [], threading.Barrier(len(saves), timeout=30)
    create = CommissionRate.objects.create

    def held_create(**fields):
        barrier.wait()
        return create(**fields)

    def run(save):
        try:
            save()
            results.append("ok")
        except Exception as error:  # whatever it is, the race's outcome is asserted
            results.append(repr(error))
        finally:
            connection.close()

    with mock.patch.object(CommissionRate.objects, "create", side_effect=held_create):
        threads = [threading.Thread(target=run, args=(save,)) for save in saves]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return results


@pytest.mark.parametrize("for_service", [False, True], ids=["default rate", "service rate"])
def test_two_managers_saving_the_same_new_rate_at_once_both_succeed(business, for_service):
    stylist = StaffMemberFactory(business=business)
    item = {"service": ServiceFactory(business=business)} if for_service else {}

    results = race([
        lambda rate=rate: services.set_commission_rate(business=business,
                                                       staff_member=stylist,
                                                       rate=Decimal(rate), **item)
        for rate in ("10.00", "12.50")])

    assert results == ["ok", "ok"]
    rates = CommissionRate.objects.for_business(business).filter(staff_member=stylist)
    assert rates.count() == 1
    assert rates.get().rate in {Decimal("10.00"), Decimal("12.50")}
    assert rates.get().service == item.get("service")
