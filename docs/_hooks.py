"""mkdocs hooks: the coverage page is generated at build time, never written by hand.

The table joins two sources:

* the emulator's route tables, :data:`salesmanago_emulator.routes.ALL_ROUTES` and
  :data:`~salesmanago_emulator.routes.V3_ROUTES` (API v3) (every path it serves,
  with its area and description);
* the SDK's endpoints: every :class:`salesmanago._calls.Endpoint` constant of
  ``salesmanago.resources.*`` (and of ``salesmanago._jobs``), and the public
  resource methods that reach them. A method reaches an endpoint when its body
  names the constant, or calls a function of the SDK (or a method of its own
  client, ``self._client._run_job``) that does, found by walking the source.

A path served by the emulator with no SDK method, and an SDK endpoint the
emulator does not serve, both get a row.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap
from collections.abc import Callable
from types import FunctionType, ModuleType
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

__all__ = ["coverage_markdown", "on_page_markdown", "sdk_endpoints"]

COVERAGE_PAGE: Final = "coverage.md"
MARKER: Final = "<!-- coverage-table -->"
"""Where the generated table goes in ``docs/coverage.md``."""
_SDK_PREFIX: Final = "salesmanago."
_EXTRA_ENDPOINT_MODULES: Final = ("salesmanago._jobs",)


def _endpoint_modules() -> list[ModuleType]:
    """``salesmanago.resources.*`` and the other modules that define endpoint constants."""
    package = importlib.import_module("salesmanago.resources")
    names = [
        f"{package.__name__}.{info.name}"
        for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_")
    ]
    return [importlib.import_module(name) for name in [*names, *_EXTRA_ENDPOINT_MODULES]]


def _function_tree(function: Callable[..., Any]) -> ast.AST | None:
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return None
    return ast.parse(textwrap.dedent(source))


Bindings = dict[str, object]
"""Parameters of the function being walked that the caller passed as constants."""


class _EndpointFinder:
    """Walks SDK functions from a resource method, following calls, collecting endpoints.

    A branch on a parameter the caller passed as a constant (``by_id=False``,
    ``created=True``) is followed only the way it goes, so ``contacts.basic``
    reaches ``/api/contact/basic`` and not ``basicById``.
    """

    def __init__(self, client_class: type, endpoint_type: type) -> None:
        self.client_class = client_class
        self.endpoint_type = endpoint_type
        self.found: set[Any] = set()
        self._seen: set[tuple[Any, frozenset[tuple[str, object]]]] = set()

    def walk(self, function: Callable[..., Any], bindings: Bindings) -> None:
        """Collect the endpoints ``function`` reaches when called with ``bindings``."""
        key = (function, frozenset(bindings.items()))
        if key in self._seen:
            return
        self._seen.add(key)
        tree = _function_tree(function)
        if tree is not None:
            self._visit(tree, function, bindings)

    def _resolve(self, node: ast.expr, function: Callable[..., Any]) -> Any:
        """The object a name or ``self.x`` / ``self._client.x`` refers to, if known."""
        if isinstance(node, ast.Name):
            return getattr(function, "__globals__", {}).get(node.id)
        if not isinstance(node, ast.Attribute):
            return None
        value = node.value
        if isinstance(value, ast.Name) and value.id == "self":
            owner = _owner_class(function)
            return getattr(owner, node.attr, None) if owner is not None else None
        if (
            isinstance(value, ast.Attribute)
            and value.attr == "_client"
            and isinstance(value.value, ast.Name)
            and value.value.id == "self"
        ):
            return getattr(self.client_class, node.attr, None)
        return None

    def _visit(self, node: ast.AST, function: Callable[..., Any], bindings: Bindings) -> None:
        if (
            isinstance(node, (ast.If, ast.IfExp))
            and isinstance(node.test, ast.Name)
            and node.test.id in bindings
        ):
            branch = node.body if bindings[node.test.id] else node.orelse
            for taken in branch if isinstance(branch, list) else [branch]:
                self._visit(taken, function, bindings)
            return
        if isinstance(node, ast.Call):
            target = self._resolve(node.func, function)
            if _is_sdk_function(target):
                self.walk(target, _call_bindings(node, target, bindings))
                for argument in [*node.args, *node.keywords]:
                    self._visit(argument, function, bindings)
                return
        if isinstance(node, (ast.Name, ast.Attribute)):
            target = self._resolve(node, function)
            if isinstance(target, self.endpoint_type):
                self.found.add(target)
            elif _is_sdk_function(target):
                self.walk(target, {})
        for child in ast.iter_child_nodes(node):
            self._visit(child, function, bindings)


def _is_sdk_function(target: object) -> bool:
    return isinstance(target, FunctionType) and target.__module__.startswith(_SDK_PREFIX)


def _owner_class(function: Callable[..., Any]) -> type | None:
    """The class a method is defined in (``Cls.method`` -> ``Cls``), from its module."""
    qualname = getattr(function, "__qualname__", "")
    if "." not in qualname:
        return None
    owner = getattr(function, "__globals__", {}).get(qualname.split(".", 1)[0])
    return owner if inspect.isclass(owner) else None


def _call_bindings(call: ast.Call, callee: Callable[..., Any], bindings: Bindings) -> Bindings:
    """The callee's parameters the call passes as constants (literals or bound names)."""
    names = list(inspect.signature(callee).parameters)
    if names[:1] == ["self"]:
        names = names[1:]

    def constant(node: ast.expr) -> tuple[bool, object]:
        if isinstance(node, ast.Constant):
            return True, node.value
        if isinstance(node, ast.Name) and node.id in bindings:
            return True, bindings[node.id]
        return False, None

    out: Bindings = {}
    for name, arg in zip(names, call.args, strict=False):
        if isinstance(arg, ast.Starred):
            break
        known, value = constant(arg)
        if known:
            out[name] = value
    for keyword in call.keywords:
        if keyword.arg is not None:
            known, value = constant(keyword.value)
            if known:
                out[keyword.arg] = value
    return out


def _resource_attributes() -> dict[str, str]:
    """Resource class name -> the client attribute it is bound to (``Contacts`` -> ``contacts``)."""
    client = importlib.import_module("salesmanago").SalesManago
    return {str(kind): name for name, kind in client.__annotations__.items()}


def sdk_endpoints() -> dict[str, list[str]]:
    """Every SDK endpoint path -> the public sync methods reaching it (``contacts.upsert``)."""
    endpoint_type = importlib.import_module("salesmanago._calls").Endpoint
    client_class = importlib.import_module("salesmanago._base_client").SyncAPIClient
    attributes = _resource_attributes()
    out: dict[str, set[str]] = {}
    for module in _endpoint_modules():
        for value in vars(module).values():
            if isinstance(value, endpoint_type):
                out.setdefault(value.path, set())
        for class_name, cls in vars(module).items():
            if not (inspect.isclass(cls) and cls.__module__ == module.__name__):
                continue
            attribute = attributes.get(class_name)
            if attribute is None:  # async twins and helpers: the sync class names the method
                continue
            for method_name, method in vars(cls).items():
                if method_name.startswith("_") or not isinstance(method, FunctionType):
                    continue
                finder = _EndpointFinder(client_class, endpoint_type)
                finder.walk(method, {})
                for endpoint in finder.found:
                    out.setdefault(endpoint.path, set()).add(f"{attribute}.{method_name}")
    return {path: sorted(methods) for path, methods in out.items()}


def _method_link(method: str) -> str:
    attribute, name = method.split(".", 1)
    client = importlib.import_module("salesmanago").SalesManago
    kind = client.__annotations__[attribute]
    module = importlib.import_module("salesmanago.resources")
    cls = getattr(module, str(kind))
    return f"[`{method}`][{cls.__module__}.{cls.__qualname__}.{name}]"


def coverage_markdown() -> str:
    """The coverage table in Markdown, with a one-line summary above it."""
    tables = importlib.import_module("salesmanago_emulator.routes")
    served = {route.path: route.description for route in tables.ALL_ROUTES}
    served.update(
        (route.path, f"API v3, `{route.method}`: {route.description}") for route in tables.V3_ROUTES
    )
    sdk = sdk_endpoints()
    paths = sorted(set(served) | set(sdk), key=str.lower)
    both = sum(1 for path in paths if path in served and sdk.get(path))
    lines = [
        f"**{len(paths)} paths**: {len(served)} served by the emulator, "
        f"{sum(1 for methods in sdk.values() if methods)} called by the SDK, {both} both.",
        "",
        "| endpoint | SDK method(s) | emulator | what the emulator does |",
        "| --- | --- | --- | --- |",
    ]
    for path in paths:
        methods = ", ".join(_method_link(m) for m in sdk.get(path, [])) or "—"
        described = served.get(path)
        support = "yes" if described is not None else "no"
        description = described.replace("|", "\\|") if described is not None else ""
        lines.append(f"| `{path}` | {methods} | {support} | {description} |")
    return "\n".join(lines) + "\n"


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Fill the coverage page's marker with the generated table."""
    if page.file.src_uri != COVERAGE_PAGE:
        return markdown
    if MARKER not in markdown:
        raise ValueError(f"docs/{COVERAGE_PAGE} lost its {MARKER} marker")
    return markdown.replace(MARKER, coverage_markdown())
