"""An MCP server for the agent's tests, on the official Python SDK.

`calc.py stdio` speaks MCP on stdin/stdout; `calc.py http PORT` serves streamable HTTP at
/mcp on 127.0.0.1:PORT (0 picks a port) and prints `PORT <n>` once it listens. The pid goes to
$CALC_PID_FILE when set, so a test can kill the server mid-run; while $CALC_BLOCK_FILE exists
the server exits at once, as one that cannot start would.
"""

import os
import socket
import sys
import time

from mcp.server import MCPServer
from mcp.server.mcpserver import Context

server = MCPServer("calc")


@server.tool()
def add(a: int, b: int) -> str:
    """Add two integers."""
    return str(a + b)


@server.tool()
def big() -> str:
    """A result far larger than any model should read at once."""
    return "x" * 200_000


@server.tool()
def slow(seconds: float) -> str:
    """Answer after a while."""
    time.sleep(seconds)
    return "slept"


@server.tool()
def token_len() -> str:
    """The length of the TOKEN the server was started with."""
    return str(len(os.environ.get("TOKEN", "")))


def mul(a: int, b: int) -> str:
    """Multiply two integers."""
    return str(a * b)


@server.tool()
async def grow(ctx: Context) -> str:
    """Offer one more tool, and tell the client its tools changed."""
    server.add_tool(mul)
    await ctx.session.send_tool_list_changed()
    return "mul added"


def main() -> None:
    block = os.environ.get("CALC_BLOCK_FILE")
    if block and os.path.exists(block):
        sys.exit(3)
    pid_file = os.environ.get("CALC_PID_FILE")
    if pid_file:
        with open(pid_file + ".tmp", "w") as f:
            f.write(str(os.getpid()))
        os.replace(pid_file + ".tmp", pid_file)
    if sys.argv[1] == "stdio":
        server.run("stdio")
        return
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", int(sys.argv[2])))
    # Listening before the port is told, so a client connecting at once is not refused.
    sock.listen(64)
    print(f"PORT {sock.getsockname()[1]}", flush=True)
    app = server.streamable_http_app()
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])


if __name__ == "__main__":
    main()
