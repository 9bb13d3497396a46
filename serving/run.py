"""`make run`: serve ossa on 127.0.0.1:$PORT, behind nginx when it is installed.

With nginx (Debian package `nginx-light` or `nginx`): gunicorn listens on a private loopback
port and nginx on $PORT; nginx reads each request in full before gunicorn sees it, so slow
clients cannot hold gunicorn's worker threads, and refuses over-long URLs with a problem+json
414. Without nginx: gunicorn alone on $PORT, with a warning (fine for development, not for a
public port). Either way one command starts it and Ctrl-C stops everything.
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVING = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port, proc, name, seconds=30):
    """Wait until something accepts connections on 127.0.0.1:port."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"ossa: {name} exited (status {proc.returncode})") from None
            time.sleep(0.05)
    raise SystemExit(f"ossa: {name} did not start on port {port}")


APP = "api:create_app()"


def gunicorn(bind, env, app=APP):
    return subprocess.Popen([BIN / "gunicorn", "--config", ROOT / "gunicorn.conf.py", "--bind",
                             bind, app], cwd=ROOT, env=env)


def nginx_config(port, upstream_port, run_dir):
    """Write the nginx configuration for these ports; return its path."""
    text = (SERVING / "nginx.conf").read_text()
    for key, value in {"port": port, "upstream_port": upstream_port, "run_dir": run_dir,
                       "serving_dir": SERVING}.items():
        text = text.replace("{" + key + "}", str(value))
    path = run_dir / "nginx.conf"
    path.write_text(text)
    return path


def serve(port, proxy=True, app=APP):
    """Start the stack and wait; stop everything when one part exits or on a signal."""
    nginx = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None)
    env = dict(os.environ)
    if not (proxy and nginx):
        if proxy:
            print("ossa: nginx is not installed (apt-get install nginx-light): serving with "
                  "gunicorn alone, which slow clients can hold up", file=sys.stderr)
        procs = [gunicorn(f"127.0.0.1:{port}", env, app)]
        wait_for(port, procs[0], "gunicorn")
    else:
        upstream = free_port()
        run_dir = ROOT / "var" / "run" / str(port)
        run_dir.mkdir(parents=True, exist_ok=True)
        # The client address and scheme come from nginx: trust exactly one proxy hop.
        env.setdefault("OSSA_TRUSTED_PROXIES", "1")
        procs = [gunicorn(f"127.0.0.1:{upstream}", env, app)]
        wait_for(upstream, procs[0], "gunicorn")
        conf = nginx_config(port, upstream, run_dir)
        procs.append(subprocess.Popen([nginx, "-c", conf, "-p", run_dir,
                                       "-e", "stderr"]))
        wait_for(port, procs[1], "nginx")
    print(f"ossa: serving on http://127.0.0.1:{port} "
          f"({'nginx, then ' if len(procs) == 2 else ''}gunicorn)", file=sys.stderr)
    return _supervise(procs)


def _supervise(procs):
    stopping = []

    def stop(signum, frame):
        stopping.append(signum)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop)
    while not stopping and all(p.poll() is None for p in procs):
        time.sleep(0.2)
    for proc in reversed(procs):  # nginx first, then gunicorn finishes its requests
        if proc.poll() is None:
            proc.send_signal(signal.SIGQUIT if proc is not procs[0] else signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=35)
        except subprocess.TimeoutExpired:
            proc.kill()
    failed = [p.returncode for p in procs if p.returncode not in (0, -signal.SIGTERM)]
    return 0 if stopping or not failed else 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    parser.add_argument("--no-proxy", action="store_true", default=os.environ.get(
        "OSSA_PROXY", "nginx") == "none", help="serve with gunicorn alone (OSSA_PROXY=none)")
    parser.add_argument("--app", default=APP,
                        help="the WSGI app to serve (`make bench` serves its ceiling this way)")
    args = parser.parse_args(argv)
    return serve(args.port, proxy=not args.no_proxy, app=args.app)


if __name__ == "__main__":
    sys.exit(main())
