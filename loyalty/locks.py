"""Row locks of loyalty, always in primary-key order.

A points account is locked before any entry of it is written ("lock, then decide"),
so that two postings on one client run one after the other and the second sees the
first's balance. Use cases that lock several accounts take them in pk order.
"""

from django.db import connection
from django.db.models import OuterRef, Subquery

from loyalty.models import PointsAccount, Program


def ensure_accounts(business, client_ids) -> None:
    """Create missing accounts without a read-then-insert race: the unique constraint
    decides, and a concurrent creator's row is simply kept."""
    PointsAccount.objects.bulk_create(
        [PointsAccount(business=business, client_id=client_id) for client_id in set(client_ids)],
        ignore_conflicts=True)


def lock_accounts(business, client_ids) -> dict[int, PointsAccount]:
    ensure_accounts(business, client_ids)
    rows = (_with_expiry(PointsAccount.objects.for_business(business)).select_for_update()
            .filter(client_id__in=set(client_ids)).order_by("pk"))
    return {account.client_id: account for account in rows}


def _with_expiry(accounts):
    """The program's expiry and notice read with the lock, in the same query: a posting
    needs them and would otherwise cost one more round trip."""
    program = Program.objects.filter(business=OuterRef("business"))
    return accounts.annotate(
        program_expiry_months=Subquery(program.values("expiry_months")[:1]),
        program_expiry_notice_days=Subquery(program.values("expiry_notice_days")[:1]))


def lock_account(business, client_id: int) -> PointsAccount:
    """The common case, an existing account, costs one query."""
    account = _lock_existing_account(business.pk, client_id)
    return account or lock_accounts(business, [client_id])[client_id]


# What a posting reads of the account it locks; the other fields load if asked for.
_LOCKED_ACCOUNT_FIELDS = ("id", "business_id", "client_id", "balance")


def _lock_existing_account(business_id: int, client_id: int) -> PointsAccount | None:
    """Every posting starts here, so the statement is written out: the ORM took longer
    to build it than PostgreSQL takes to run it (bench/ledger.py)."""
    quote = connection.ops.quote_name
    program = (f"FROM {quote(Program._meta.db_table)} "
               f"WHERE {quote('business_id')} = %s")
    sql = (f"SELECT {', '.join(quote(name) for name in _LOCKED_ACCOUNT_FIELDS)}, "  # noqa: S608 - names from the models
           f"(SELECT {quote('expiry_months')} {program}), "
           f"(SELECT {quote('expiry_notice_days')} {program}) "
           f"FROM {quote(PointsAccount._meta.db_table)} "
           f"WHERE {quote('business_id')} = %s AND {quote('client_id')} = %s")
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [business_id, business_id, business_id, client_id])
        row = cursor.fetchone()
    if row is None:
        return None
    account = PointsAccount.from_db(connection.alias, _LOCKED_ACCOUNT_FIELDS,
                                    row[:len(_LOCKED_ACCOUNT_FIELDS)])
    account.program_expiry_months, account.program_expiry_notice_days = row[-2:]
    return account


def lock_program(business) -> Program:
    Program.objects.bulk_create([Program(business=business)], ignore_conflicts=True)
    return Program.objects.for_business(business).select_for_update().get()


def lock_tiers(business) -> None:
    """Tier edits check rules across tiers (one reset, and it is the highest): they take
    the business row so that two edits cannot each pass the check alone."""
    list(type(business).objects.select_for_update().filter(pk=business.pk).values_list("pk"))
