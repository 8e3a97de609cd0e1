"""Log in with a form, stay logged in with a signed session cookie, guard pages with `requires`,
log out.

Run: `uvicorn examples.auth:app` and open http://127.0.0.1:8000/. Two demo users exist:
`ann` / `wonderland` (a user) and `root` / `correct horse` (an admin). Opening `/private` while
logged out redirects to the login form with `?next=`, and logging in brings you back there.

Set `AUTH_SECRET_KEY` to a long random string in production: by default each process makes up
its own key, so sessions end when it restarts and are not shared between workers.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from html import escape
from urllib.parse import urlsplit, urlunsplit

import anyio.to_thread
import msgspec

from examples.layout import page
from lette_fp import App, Request, Response, get, html, mount, post, redirect
from lette_fp.middleware import AuthCredentials, SimpleUser, authentication, requires, sessions


class User(msgspec.Struct, frozen=True):
    """A known user: a name, a salted scrypt hash of the password, and the scopes granted."""

    name: str
    salt: bytes
    password_hash: bytes
    scopes: tuple[str, ...] = ()


def hash_password(password: str, salt: bytes) -> bytes:
    """Return the scrypt hash of `password` with `salt` (about 50 ms and 16 MiB: slow on purpose)."""
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=2**14, r=8, p=1, dklen=32)


def make_user(name: str, password: str, scopes: tuple[str, ...] = ()) -> User:
    """Return a `User` whose password hash uses a fresh random salt."""
    salt = secrets.token_bytes(16)
    return User(name, salt, hash_password(password, salt), scopes)


USERS: dict[str, User] = {
    user.name: user
    for user in (make_user("ann", "wonderland"), make_user("root", "correct horse", ("admin",)))
}
"""The demo users, by name (a real app keeps them in a database)."""

_NOBODY = make_user("", secrets.token_urlsafe())


def check_password(name: str, password: str) -> User | None:
    """Return the user when `password` is theirs, else None. Unknown names cost one hash too, so
    the time taken does not tell whether a name exists. CPU-bound: run it in a worker thread."""
    user = USERS.get(name)
    candidate = user or _NOBODY
    matches = hmac.compare_digest(hash_password(password, candidate.salt), candidate.password_hash)
    return user if matches and user is not None else None


def from_session(req: Request) -> tuple[AuthCredentials, SimpleUser] | None:
    """The authentication backend: the user named by the session, with their scopes."""
    name = req.session.get("user")
    user = USERS.get(name) if isinstance(name, str) else None
    if user is None:
        return None
    return AuthCredentials(["authenticated", *user.scopes]), SimpleUser(user.name)


def safe_next(req: Request, target: str | None) -> str | None:
    """Return `target` as a path on this site, or None when it points anywhere else (an open
    redirect would let a link to our login page send users to a look-alike site)."""
    if not target or "\\" in target or any(ord(c) < 0x20 for c in target):
        return None
    parts = urlsplit(target)
    if (parts.scheme or parts.netloc) and (parts.scheme, parts.netloc) != (req.url.scheme, req.url.netloc):
        return None
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return urlunsplit(("", "", parts.path, parts.query, ""))


def nav(req: Request) -> str:
    """The links at the top of every page, with the user's name and a logout button."""
    links = " ".join(
        f'<a href="{req.url_for(name).path}">{label}</a>'
        for name, label in (("home", "Home"), ("private", "Private page"), ("admin", "Admin"))
    )
    if req.user.is_authenticated:
        who = (
            f'<form method="post" action="{req.url_for("logout").path}">'
            f'<span id="who">{escape(req.user.display_name)}</span> <button id="logout">Log out</button></form>'
        )
    else:
        who = f'<form><a id="login-link" href="{req.url_for("login").path}">Log in</a></form>'
    return f"<nav>{links}{who}</nav>"


def home(req: Request) -> Response:
    """`GET /`: who you are, and where to go."""
    if req.user.is_authenticated:
        status = f'<p class="ok">You are logged in as <b>{escape(req.user.display_name)}</b>.</p>'
    else:
        status = "<p>You are not logged in. The private page will ask you to.</p>"
    body = (
        f"{nav(req)}<h1>Sessions and authentication</h1>{status}"
        "<p>Demo users: <code>ann</code> / <code>wonderland</code>, and the admin "
        "<code>root</code> / <code>correct horse</code>.</p>"
    )
    return html(page("Auth example", body))


def login_page(req: Request, next_url: str | None, name: str = "", error: str | None = None) -> str:
    """The login form, keeping `next_url` in a hidden field and showing `error` if any."""
    problem = f'<p class="error" id="error">{escape(error)}</p>' if error else ""
    hidden = f'<input type="hidden" name="next" value="{escape(next_url)}">' if next_url else ""
    body = (
        f"{nav(req)}<h1>Log in</h1>{problem}"
        f'<form method="post" action="{req.url_for("login").path}">{hidden}'
        f'<label for="username">User name</label><input type="text" id="username" name="username" value="{escape(name)}" autocomplete="username" required>'
        f'<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required>'
        f'<br><button type="submit">Log in</button></form>'
        '<p class="muted">Try <code>ann</code> / <code>wonderland</code>.</p>'
    )
    return page("Log in", body)


def login_form(req: Request) -> Response:
    """`GET /login?next=...`: the form."""
    return html(login_page(req, safe_next(req, req.query.get("next"))))


async def login(req: Request) -> Response:
    """`POST /login`: check the password; on success store the user's name in the session and
    go to `next` (a page on this site) or home; otherwise show the form again with a 403."""
    form = await req.form(max_files=0, max_fields=3, max_part_size=1024)
    name, password = str(form.get("username", "")), str(form.get("password", ""))
    next_url = safe_next(req, str(form.get("next", "")))
    user = await anyio.to_thread.run_sync(check_password, name, password)
    if user is None:
        return html(login_page(req, next_url, name, "Wrong user name or password."), status=403)
    return redirect(next_url or req.url_for("home").path, 303).with_session({"user": user.name})


def logout(req: Request) -> Response:
    """`POST /logout`: clear the session and go home."""
    return redirect(req.url_for("home").path, 303).with_session(None)


@requires("authenticated", redirect="login")
def private(req: Request) -> Response:
    """`GET /private`: only for logged-in users; anyone else is sent to the login form."""
    scopes = ", ".join(req.auth.scopes)
    body = (
        f"{nav(req)}<h1>Private page</h1>"
        f'<p class="ok" id="greeting">Hello, {escape(req.user.display_name)}! Only logged-in users see this page.</p>'
        f"<p>Your scopes: <code>{escape(scopes)}</code></p>"
    )
    return html(page("Private page", body))


def admin(req: Request) -> Response:
    """`GET /admin/`: only for users with the `admin` scope (guarded by the mount's middleware)."""
    rows = "".join(f"<li>{escape(u.name)} <code>{escape(', '.join(u.scopes) or '-')}</code></li>" for u in USERS.values())
    body = f"{nav(req)}<h1>Admin</h1><p>The users:</p><ul>{rows}</ul>"
    return html(page("Admin", body))


SECRET_KEY = os.environ.get("AUTH_SECRET_KEY") or secrets.token_urlsafe(32)

app = App(
    routes=[
        get("/", home, name="home"),
        get("/login", login_form, name="login"),
        post("/login", login, name="log_in", max_body_size=4096),
        post("/logout", logout, name="logout"),
        get("/private", private, name="private"),
        mount(
            "/admin",
            [get("/", admin, name="admin")],
            middleware=[requires("authenticated", redirect="login"), requires("admin")],
        ),
    ],
    middleware=[sessions(SECRET_KEY, session_cookie="auth_session"), authentication(from_session)],
)
