"""Rules of ARCHITECTURE.md that imports cannot express, checked on the code itself."""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models

from core.tenancy import TenantModel
from tests.factories import FACTORIES

PROJECT_DIR = Path(__file__).resolve().parent.parent
PRODUCT_APPS = ["core", "accounts", "tenancy", "booking", "checkout", "loyalty", "giftcards",
                "notifications", "reports"]
# Ledger models and the one module allowed to write each (app_label.Model -> module path).
# The one module allowed to write each ledger table (giftcards adds its own).
LEDGER_WRITERS: dict[str, str] = {"loyalty.PointsEntry": "loyalty/services/ledger.py",
                                  "giftcards.GiftCardTransaction": "giftcards/services/cards.py"}
WRITE_METHODS = {"create", "get_or_create", "update_or_create", "bulk_create", "bulk_update",
                 "update", "delete", "save"}


def product_models():
    return [m for m in apps.get_models() if m._meta.app_label in PRODUCT_APPS]


def tenant_models():
    return [m for m in product_models() if issubclass(m, TenantModel)]


def python_files(*patterns: str):
    for app in PRODUCT_APPS:
        for pattern in patterns:
            yield from sorted((PROJECT_DIR / app).glob(pattern))


def web_layer_files():
    """Views, API and tasks: thin layers that call services and selectors."""
    return list(python_files("views.py", "views/*.py", "api.py", "api_*.py", "tasks.py"))


def attribute_chain(node: ast.AST) -> list[str]:
    chain = []
    while isinstance(node, ast.Attribute | ast.Call):
        if isinstance(node, ast.Call):
            node = node.func
            continue
        chain.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        chain.append(node.id)
    return list(reversed(chain))


def orm_writes(source: str, model_names: set[str] | None = None) -> list[tuple[int, str]]:
    """Calls like `Model.objects....create(...)` or `instance.save()` found in `source`.

    With `model_names`, only writes through those models' managers are reported.
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        chain = attribute_chain(node.func)
        if not chain or chain[-1] not in WRITE_METHODS:
            continue
        through_manager = "objects" in chain
        if model_names is not None:
            if through_manager and chain[0] in model_names:
                found.append((node.lineno, ".".join(chain)))
        elif through_manager or chain[-1] == "save":
            found.append((node.lineno, ".".join(chain)))
    return found


SQL_WRITE = re.compile(r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?P<target>\{[^}]*\}|\"?\w+)",
                       re.IGNORECASE)


def string_literals(source: str) -> list[tuple[int, str]]:
    """Every string literal of `source`, f-strings with their placeholders as `{...}`."""
    tree = ast.parse(source)
    inside_fstrings = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
                       for part in node.values}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            found.append((node.lineno, "".join(
                part.value if isinstance(part, ast.Constant) else f"{{{ast.unparse(part.value)}}}"
                for part in node.values)))
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and id(node) not in inside_fstrings):
            found.append((node.lineno, node.value))
    return found


def raw_sql_writes(source: str, model) -> list[tuple[int, str]]:
    """SQL in `source` that inserts, updates or deletes rows of `model`'s table: the table
    named outright, or through a placeholder in a module that names the table."""
    table = model._meta.db_table
    if table not in source and f"{model.__name__}._meta.db_table" not in source:
        return []
    return [(line, match.group(0)) for line, text in string_literals(source)
            for match in SQL_WRITE.finditer(text)
            if match.group("target").strip('"') == table or match.group("target")[0] == "{"]


def unscoped_tenant_queries(source: str, tenant_names: set[str]) -> list[tuple[int, str]]:
    """`TenantModel.objects.<anything but for_business>` in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute):
            chain = attribute_chain(node)
            if (len(chain) >= 3 and chain[0] in tenant_names and chain[1] == "objects"
                    and chain[2] != "for_business"):
                found.append((node.lineno, ".".join(chain[:3])))
    return found


def test_every_tenant_table_has_a_non_null_business_key():
    for model in product_models():
        business_fields = [f for f in model._meta.fields if f.name == "business"]
        if model._meta.label in {"tenancy.Business"}:
            continue
        if business_fields or issubclass(model, TenantModel):
            field = business_fields[0]
            assert not field.null, f"{model._meta.label}.business must be non-null"
            assert field.related_model._meta.label == "tenancy.Business"


def test_every_model_that_points_at_a_tenant_row_is_a_tenant_model():
    tenant = set(tenant_models())
    for model in product_models():
        if model in tenant or model._meta.label == "tenancy.Business":
            continue
        for field in model._meta.fields:
            if field.is_relation and field.related_model in tenant | {apps.get_model(
                    "tenancy", "Business")}:
                pytest.fail(f"{model._meta.label}.{field.name} points at tenant data: "
                            f"{model.__name__} must subclass TenantModel")


def test_every_unique_constraint_on_a_tenant_table_includes_the_business():
    for model in tenant_models():
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint):
                names = list(constraint.fields) + [
                    getattr(expr, "name", None) for expr in constraint.expressions]
                assert "business" in names, (
                    f"{model._meta.label} constraint {constraint.name} lacks business")
        for field in model._meta.fields:
            if field.unique and not field.primary_key:
                pytest.fail(f"{model._meta.label}.{field.name} is unique across businesses")
        for group in model._meta.unique_together:
            assert "business" in group, f"{model._meta.label} unique_together {group}"


def test_every_tenant_model_has_a_factory_for_the_cross_tenant_walk():
    missing = [m._meta.label for m in tenant_models() if m not in FACTORIES]
    assert not missing, f"add factories to tests/factories.py FACTORIES: {missing}"


def test_views_api_and_tasks_never_write_through_the_orm():
    offenders = [f"{path.relative_to(PROJECT_DIR)}:{line} {call}"
                 for path in web_layer_files()
                 for line, call in orm_writes(path.read_text())]
    assert not offenders, "write through a service instead:\n" + "\n".join(offenders)


def test_views_and_api_never_query_tenant_models_without_for_business():
    names = {m.__name__ for m in tenant_models()}
    offenders = [f"{path.relative_to(PROJECT_DIR)}:{line} {query}"
                 for path in web_layer_files()
                 for line, query in unscoped_tenant_queries(path.read_text(), names)]
    assert not offenders, "scope with .for_business(business):\n" + "\n".join(offenders)


def test_only_the_ledger_services_write_ledger_rows():
    for label, allowed_module in LEDGER_WRITERS.items():
        model = apps.get_model(label)
        offenders = [
            f"{path.relative_to(PROJECT_DIR)}:{line} {call}"
            for path in python_files("**/*.py")
            if path.relative_to(PROJECT_DIR).as_posix() != allowed_module
            and "migrations" not in path.parts
            for line, call in [*orm_writes(path.read_text(), {model.__name__}),
                               *raw_sql_writes(path.read_text(), model)]
        ]
        assert not offenders, f"only {allowed_module} writes {label}:\n" + "\n".join(offenders)


def test_the_write_detector_finds_writes_through_managers_and_saves():
    source = "Entry.objects.create(points=1)\nentry.save()\nEntry.objects.filter(a=1).update(b=2)"
    assert [line for line, _call in orm_writes(source)] == [1, 2, 3]
    assert [line for line, _call in orm_writes(source, {"Entry"})] == [1, 3]


def test_the_raw_sql_detector_finds_writes_of_the_table_named_or_placed():
    model = apps.get_model("loyalty.PointsEntry")
    source = ('table = PointsEntry._meta.db_table\n'
              'sql = f"INSERT INTO {table} (points) VALUES (%s)"\n'
              'other = "update loyalty_pointsentry SET points = 1"\n'
              'fine = "SELECT points FROM loyalty_pointsentry"\n'
              'prose = "a trigger refuses UPDATE and DELETE of entries"\n')
    assert [line for line, _sql in raw_sql_writes(source, model)] == [2, 3]
    assert raw_sql_writes('sql = f"UPDATE {table} SET a = 1"', model) == []


def test_the_scope_detector_accepts_for_business_and_flags_the_rest():
    source = ("Client.objects.for_business(b).get(pk=1)\nClient.objects.get(pk=1)\n"
              "Business.objects.get(slug=s)")
    assert unscoped_tenant_queries(source, {"Client"}) == [(2, "Client.objects.get")]
