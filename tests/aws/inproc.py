"""moto's server inside a set-up script's own Python, for the tests that
start a server only to set it up with boto3: one Python start instead of
moto_server's, a port picker's and the client's (moto's import is most of
each). The scripts take --serve where they took the endpoint.

endpoint(ARG, OUT): ARG itself, or for --serve moto's server started here
on a free port of 127.0.0.1 (settings such as INITIAL_NO_AUTH_ACTION_COUNT
come from the environment, as for moto_server), its URL written to
OUT/endpoint. ready(OUT): the set-up is done (OUT/ready, which the test
waits for); under --serve, serve until killed.
"""
import os
import threading

_server = None


def endpoint(arg, out):
    global _server
    if arg != "--serve":
        return arg
    from moto.server import ThreadedMotoServer

    _server = ThreadedMotoServer("127.0.0.1", 0, verbose=False)
    _server.start()
    url = "http://%s:%d" % _server.get_host_and_port()
    with open(os.path.join(out, "endpoint"), "w") as f:
        f.write(url + "\n")
    return url


def ready(out):
    open(os.path.join(out, "ready"), "w").close()
    if _server:
        threading.Event().wait()
