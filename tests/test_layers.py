"""DESIGN.md's layers: the domain is plain Python (no Flask, no SQLAlchemy), usable from a notebook."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

FORBIDDEN = ("flask", "flask_wtf", "flask_login", "sqlalchemy", "alembic", "werkzeug", "wtforms")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level > 0 and node.module:
            names.add("." * node.level + node.module)
    return names


def test_domain_imports_no_web_or_database_code():
    files = sorted((REPO / "assessment" / "domain").rglob("*.py"))
    assert files
    for path in files:
        for name in imported_modules(path):
            top = name.split(".")[0]
            assert top not in FORBIDDEN, f"{path.relative_to(REPO)} imports {name}"
            # Relative imports must stay inside the domain package.
            assert not name.startswith(".."), f"{path.relative_to(REPO)} reaches outside the domain: {name}"
            assert not (name.startswith("assessment.") and not name.startswith("assessment.domain")), name


def test_services_and_db_import_no_flask():
    for path in [
        *sorted((REPO / "assessment" / "services").glob("*.py")),
        *sorted((REPO / "assessment" / "db").glob("*.py")),
    ]:
        for name in imported_modules(path):
            assert name.split(".")[0] not in ("flask", "flask_wtf", "flask_login", "wtforms"), (path, name)
