"""Cross-app placement: the Paramètres address is read by both the letters and C07 without an
`AppConfig.ready()` hook, accounts never imports notifications, and the notifications modules import
each other without a cycle (jobs ↔ services ↔ tasks used to)."""

import ast
from pathlib import Path

import django.apps

ROOT = Path(__file__).resolve().parents[2]


def imports_of(path: Path, package: str) -> set[str]:
    """Every module imported anywhere in the file (top level or inside a function), absolute."""
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def modules(app: str) -> dict[str, Path]:
    found = {}
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def test_accounts_never_imports_notifications():
    for name, path in modules("accounts").items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        upward = [m for m in imports_of(path, package) if m == "notifications" or m.startswith("notifications.")]
        assert upward == [], f"{name} imports {upward}"


def test_no_import_cycle_inside_notifications():
    graph = {}
    mods = modules("notifications")
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        graph[name] = {m for m in imports_of(path, package) if m in mods and m != name}

    def cycle_from(start, node, seen):
        for nxt in graph[node]:
            if nxt == start:
                return [*seen, nxt]
            if nxt not in seen:
                found = cycle_from(start, nxt, [*seen, nxt])
                if found:
                    return found
        return None

    cycles = [c for name in graph if (c := cycle_from(name, name, [name]))]
    assert cycles == []


def test_notifications_registers_nothing_at_start_up():
    config = django.apps.apps.get_app_config("notifications")
    assert type(config).ready is django.apps.AppConfig.ready
