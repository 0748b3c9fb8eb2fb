"""GraphiQL served by the service itself: the page and every script and style sheet it loads.

Organisers work on office intranets without internet, so nothing may come from a CDN at run
time. The assets (React, GraphiQL, its explorer plugin) are installed with the project from
PyPI (the `graphene-django-graphiql-static` package ships them as plain files; only its files
are read, nothing of Django is imported) and served under `/graphiql/`.
"""

from __future__ import annotations

import json
from importlib.resources import files
from importlib.resources.abc import Traversable

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

ASSET_PACKAGE = "graphene_django_graphiql_static"
ASSET_PREFIX = "/graphiql/"

_MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}

# In load order: React first, GraphiQL (which needs React), then the explorer plugin.
_SCRIPTS = (
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphiql.min.js",
    "graphiql-plugin-explorer.umd.js",
)
_STYLES = ("graphiql.min.css", "style.css")

_EXAMPLE_QUERY = """\
# Paste your token in the Headers tab below:
#   {"Authorization": "Bearer <token>"}
# then run the query (Ctrl-Enter).
# 在下方 Headers 栏粘贴令牌，再运行查询。
{
  streets {
    id
    name
    counts { households coveredHouseholds }
    coverage
  }
}
"""


def _asset_dir() -> Traversable:
    return files(ASSET_PACKAGE) / "static" / ASSET_PACKAGE


def asset_names() -> tuple[str, ...]:
    """Every file the page loads (a test checks each is installed and served)."""
    return _SCRIPTS + _STYLES


def graphiql_html() -> str:
    """The page: assets from this service only, the headers editor open and kept."""
    styles = "\n".join(
        f'    <link rel="stylesheet" href="{ASSET_PREFIX}{name}" />' for name in _STYLES
    )
    scripts = "\n".join(f'    <script src="{ASSET_PREFIX}{name}"></script>' for name in _SCRIPTS)
    return f"""<!doctype html>
<html lang="zh">
  <head>
    <meta charset="utf-8" />
    <title>orggraph GraphiQL</title>
    <style>
      body {{ height: 100%; margin: 0; width: 100%; overflow: hidden; }}
      #graphiql {{ height: 100vh; display: flex; }}
    </style>
{styles}
  </head>
  <body>
    <div id="graphiql" class="graphiql-container">Loading…</div>
{scripts}
    <script>
      const fetcher = GraphiQL.createFetcher({{ url: window.location.href.split("?")[0] }});
      function OrggraphGraphiQL() {{
        const [query, setQuery] = React.useState({json.dumps(_EXAMPLE_QUERY)});
        const explorer = GraphiQLPluginExplorer.useExplorerPlugin({{ query, onEdit: setQuery }});
        return React.createElement(GraphiQL, {{
          fetcher: fetcher,
          plugins: [explorer],
          query: query,
          onEditQuery: setQuery,
          defaultEditorToolsVisibility: "headers",
          isHeadersEditorEnabled: true,
          shouldPersistHeaders: true,
        }});
      }}
      ReactDOM.render(
        React.createElement(OrggraphGraphiQL), document.getElementById("graphiql")
      );
    </script>
  </body>
</html>
"""


async def _asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in asset_names():
        return PlainTextResponse("not found", status_code=404)
    body = (_asset_dir() / name).read_bytes()
    media_type = _MEDIA_TYPES[name[name.rindex(".") :]]
    return Response(body, media_type=media_type, headers={"cache-control": "max-age=86400"})


def graphiql_page() -> HTMLResponse:
    return HTMLResponse(graphiql_html())


def asset_routes() -> list[Route]:
    """The route serving the page's assets (mounted only while GraphiQL is switched on)."""
    return [Route(ASSET_PREFIX + "{name}", _asset)]
