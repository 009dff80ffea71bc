"""mkdocs hooks: the coverage page is generated at build time, never written by hand.

The table joins two sources:

* the emulator's coverage (`salesmanago_emulator.coverage.coverage`): every
  path of the protocol's endpoint list (shipped as data in the package) with its
  status, served or not implemented and why, and the paths the emulator serves
  beyond it;
* the SDK's endpoints: every `salesmanago._calls.Endpoint` constant of
  ``salesmanago.resources.*`` (and of ``salesmanago._jobs``), and the public
  resource methods that reach them. A method reaches an endpoint when its body
  names the constant, or calls a function of the SDK (or a method of its own
  client, ``self._client._run_job``) that does, found by walking the source.

Every protocol path gets a row, whether or not anybody serves or calls it; so a
missing path shows instead of hiding.
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
_EXTRA_ENDPOINT_MODULES: Final = ("salesmanago._jobs", "salesmanago._login")
# Endpoints of a private module that one public method sends, by module.
_MODULE_METHODS: Final = {"salesmanago._login": "SalesManago.from_login"}
_CLIENTS: Final = ("SalesManago", "SalesManagoV3")


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


def _is_call_client(node: ast.expr) -> bool:
    """Whether ``node`` is the client a call sends through with its per-call options:
    ``self._with(options)``, or the local ``client`` a method binds it to."""
    if isinstance(node, ast.Name):
        return node.id == "client"
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "_with"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "self"
    )


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
        ) or _is_call_client(value):
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
    module = getattr(target, "__module__", None) or ""
    return isinstance(target, FunctionType) and module.startswith(_SDK_PREFIX)


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
    """Resource class name -> the client attribute it is bound to (``Contacts`` ->
    ``contacts``), over the legacy client and the API v3 client."""
    package = importlib.import_module("salesmanago")
    return {
        str(kind): name
        for client in _CLIENTS
        for name, kind in getattr(package, client).__annotations__.items()
    }


def sdk_endpoints() -> dict[str, list[str]]:
    """Every SDK endpoint path -> the public sync methods reaching it (``contacts.upsert``)."""
    endpoint_type = importlib.import_module("salesmanago._calls").Endpoint
    client_class = importlib.import_module("salesmanago._base_client").SyncAPIClient
    attributes = _resource_attributes()
    out: dict[str, set[str]] = {}
    for module in _endpoint_modules():
        for value in vars(module).values():
            if isinstance(value, endpoint_type):
                methods = out.setdefault(value.path, set())
                if module.__name__ in _MODULE_METHODS:
                    methods.add(_MODULE_METHODS[module.__name__])
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
    package = importlib.import_module("salesmanago")
    if attribute in _CLIENTS:  # a method of the client itself (from_login)
        return f"[`{method}`][salesmanago.{method}]"
    kinds = {
        key: kind
        for client in _CLIENTS
        for key, kind in getattr(package, client).__annotations__.items()
    }
    kind = str(kinds[attribute])
    cls = next(vars(m)[kind] for m in _endpoint_modules() if inspect.isclass(vars(m).get(kind)))
    return f"[`{method}`][{cls.__module__}.{cls.__qualname__}.{name}]"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def coverage_markdown() -> str:
    """The coverage table in Markdown, with a one-line summary above it.

    Rows: every path of the protocol's endpoint list (served, or not implemented
    with its reason), then the paths the emulator serves beyond it; each with the
    SDK methods that call it.
    """
    coverage = importlib.import_module("salesmanago_emulator.coverage")
    rows = coverage.coverage()
    described = {info.path: info.description for info in coverage.routes()}
    sdk = sdk_endpoints()
    listed = {row.path for row in rows}
    unlisted = sorted(path for path in sdk if path not in listed)
    served = sum(row.served for row in rows)
    called = sum(1 for methods in sdk.values() if methods)
    lines = [
        f"**{len(rows) + len(unlisted)} paths**: {served} served by the emulator, "
        f"{len(rows) - served} not implemented, {called} called by the SDK.",
        "",
        "| endpoint | § | SDK method(s) | emulator |",
        "| --- | --- | --- | --- |",
    ]
    for row in rows:
        methods = ", ".join(_method_link(m) for m in sdk.get(row.path, [])) or "—"
        if row.served:
            status = f"served: {described.get(row.path, row.purpose)}"
        else:
            status = f"**not implemented**: {row.reason}"
        section = row.section or "emulator"
        lines.append(f"| `{row.path}` | {section} | {methods} | {_cell(status)} |")
    for path in unlisted:
        methods = ", ".join(_method_link(m) for m in sdk[path]) or "—"
        lines.append(f"| `{path}` | — | {methods} | **not implemented** |")
    return "\n".join(lines) + "\n"


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Fill the coverage page's marker with the generated table."""
    if page.file.src_uri != COVERAGE_PAGE:
        return markdown
    if MARKER not in markdown:
        raise ValueError(f"docs/{COVERAGE_PAGE} lost its {MARKER} marker")
    return markdown.replace(MARKER, coverage_markdown())
