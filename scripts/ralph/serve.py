"""Serve Ralph (an xAPI LRS) on loopback with its filesystem backend, for tests and `make lrs`.

Runs under .venv-ralph's Python, never the project's. Usage:

    serve.py --port 8100 --data DIR --username U --password P

Statements are kept in DIR/fs_lrs.jsonl. One Basic-auth account (all scopes) is written to
DIR/auth.json before the app starts, so the credentials are whatever the caller chose.
Ralph's backend history (a JSON list of every write, rewritten whole after each one) is kept in
DIR/history.json too: by default it is one file in the user's home shared by every Ralph ever
started there, so each test and benchmark made every later write slower, and two Ralphs running
at once overwrote each other's.
"""

import argparse
import json
import os
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--username", default="platform")
    parser.add_argument("--password", default="platform-secret")
    args = parser.parse_args()

    args.data.mkdir(parents=True, exist_ok=True)
    auth_file = args.data / "auth.json"
    # Ralph reads its settings from the environment when first imported: set them before that.
    os.environ.update(
        {
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(args.data),
            "RALPH_AUTH_FILE": str(auth_file),
            "RALPH_HISTORY_FILE": str(args.data / "history.json"),
            "RALPH_RUNSERVER_AUTH_BACKENDS": "basic",
        }
    )

    import bcrypt
    import uvicorn
    from ralph.backends.data.base import BaseOperationType
    from ralph.backends.lrs.fs import FSLRSBackend

    account = {
        "agent": {"account": {"homePage": f"http://127.0.0.1:{args.port}", "name": args.username}},
        "scopes": ["all"],
        "username": args.username,
        "hash": bcrypt.hashpw(args.password.encode(), bcrypt.gensalt(rounds=4)).decode(),
    }
    auth_file.write_text(json.dumps([account]))

    # Ralph 5.1.0's filesystem backend creates its file and then refuses to write to it again
    # (its default operation is CREATE): every batch after the first would be lost. Appending is
    # what an LRS does.
    FSLRSBackend.default_operation_type = BaseOperationType.APPEND

    uvicorn.run("ralph.api:app", host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
