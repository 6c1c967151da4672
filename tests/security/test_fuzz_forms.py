"""Property-based fuzzing of every public form and upload, a submitter's answers, amendments,
files, withdrawal and approval among them.

Whatever is sent, the answer is never a server error; a refusal is either a page that points at
the field to fix (the error summary links to an id present in the page) or a designed error page.
"""

from __future__ import annotations

import io
import itertools
import re
import string
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedback import submissions
from feedback.models import Invitation, Submission
from tests.conftest import delegate_form, make_workshop
from tests.security import corpus, summary_problems
from tests.validation.support import case_in, staff
from tests.validation.test_panel import seed_rubric
from tests.validation.test_publication import validated
from validation import publication, requests
from validation.models import Case, CaseState
from validation.requests import amendable, amendable_sections
from workshops import booking
from workshops.extensions import db
from workshops.models import REGIONS, SECTORS, Role
from workshops.practice_form import EVALUATION_FORM, PRACTICE_FORM, RATING_SCALE, Kind

FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])

# Every example posts from an address of its own: the fuzzing is not a test of the limiter.
_addresses = (f"10.{a}.{b}.{c}" for a in range(100, 200) for b in range(256)
              for c in range(1, 255))

ODD_CHARS = ["\u202e", "\u200f", "\u200b", "\u200d", "\u0301", "\u0351", "\ufeff", "😀", "🏽",
             "\x00", "\x1b", "\r", "\n", "\t", "<", ">", "&", "'", '"', "%", "\\", "/", "a", "é",
             "ß", "中", " "]

odd_text = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=300),
    st.text(st.sampled_from(ODD_CHARS), max_size=60),
    st.sampled_from([t for t in corpus.TEXT if len(t) < 1000]),
    st.builds(lambda ch, n: ch * n, st.sampled_from(["a", "é", "😀", "\u0301"]),
              st.integers(190, 12000)),
)
odd_email = st.one_of(
    odd_text,
    st.sampled_from(corpus.EMAIL_INJECTION),
    st.builds(lambda local, host: f"{local}@{host}",
              st.text(st.sampled_from(string.ascii_letters + "+._-é😀\u202e"), min_size=1,
                        max_size=70),
              st.sampled_from(["example.org", "xn--bcher-kva.example", "ex ample.org",
                               "a" * 260 + ".org", "localhost"])),
)


def maybe(valid: Any, fuzz: st.SearchStrategy) -> st.SearchStrategy:
    """Sometimes the right value (so the fuzz reaches deeper), sometimes anything."""
    return st.one_of(st.just(valid), fuzz)


def sometimes_missing(fields: dict[str, st.SearchStrategy]) -> st.SearchStrategy:
    return st.fixed_dictionaries({}, optional=fields)


# --- the property ----------------------------------------------------------------------------

DESIGNED = re.compile(r"Error code (4\d\d)")


def assert_answers_well(response, where: str) -> None:  # noqa: ANN001
    status = response.status_code
    assert status < 500, f"{where}: server error {status}"
    if status < 400:
        return
    page = response.get_data(as_text=True)
    if DESIGNED.search(page):
        return
    assert not (problems := summary_problems(page)), \
        f"{where}: {status} with neither a field message nor a designed error page: {problems}"


def _client(app):  # noqa: ANN001, ANN202
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = next(_addresses)
    return client


_delegates = itertools.count(1)


def _delegate(workshop):  # noqa: ANN001, ANN202
    n = next(_delegates)
    return booking.book(workshop.id, booking.Delegate(
        name=f"Fuzz Delegate{n}", email=f"fuzz{n}@example.org", organisation="Council",
        job_title="Manager"))


# --- the booking form ------------------------------------------------------------------------

valid = delegate_form()
booking_fields = {
    "name": maybe(valid["name"], odd_text),
    "email": maybe(valid["email"], odd_email),
    "job_title": maybe(valid["job_title"], odd_text),
    "organisation": maybe(valid["organisation"], odd_text),
    "region": maybe("north-east", st.one_of(st.sampled_from(sorted(REGIONS)), odd_text)),
    "sector": maybe("children-social-care", st.one_of(st.sampled_from(sorted(SECTORS)),
                                                      odd_text)),
    "access_needs": odd_text,
    "dietary_needs": odd_text,
    "list_consent": st.sampled_from(["y", "", "no", "\x00", "on"]),
    "idempotency_key": maybe("k", odd_text),
}


@pytest.fixture()
def fuzz_workshop(app):  # noqa: ANN001, ANN201
    return make_workshop(capacity=10_000)


@FUZZ
@given(data=sometimes_missing(booking_fields))
def test_booking_form(app, fuzz_workshop, data):
    url = f"/series/{fuzz_workshop.series.slug}/{fuzz_workshop.region}/book"
    assert_answers_well(_client(app).post(url, data=data), f"POST {url} {data!r:.300}")


@FUZZ
@given(data=sometimes_missing(booking_fields))
def test_change_details_form(app, fuzz_workshop, data):
    made = _delegate(fuzz_workshop)
    url = f"/booking/{made.token}/change"
    assert_answers_well(_client(app).post(url, data=data), f"POST {url} {data!r:.300}")


@FUZZ
@given(email=odd_email)
def test_links_form(app, email):
    assert_answers_well(_client(app).post("/booking/links", data={"email": email}),
                        f"links {email!r:.200}")


@FUZZ
@given(email=odd_email)
def test_forgotten_password_form(app, email):
    assert_answers_well(_client(app).post("/staff/forgotten-password", data={"email": email}),
                        f"forgotten password {email!r:.200}")


@FUZZ
@given(email=odd_email)
def test_practice_start_form(app, email):
    assert_answers_well(_client(app).post("/feedback/practice/start", data={"email": email}),
                        f"practice start {email!r:.200}")


@FUZZ
@given(email=odd_text, password=odd_text)
def test_staff_login_form(app, email, password):
    response = _client(app).post("/staff/login", data={"email": email, "password": password})
    assert_answers_well(response, f"login {email!r:.100}")
    assert response.status_code != 303


# --- the practice form, section by section ----------------------------------------------------

def _question_value(kind: Kind, options: Any) -> st.SearchStrategy:
    if kind == Kind.CHECK:
        return st.sampled_from(["y", "", "n", "\x00"])
    if kind == Kind.CHOICE:
        return st.one_of(st.sampled_from([v for v, _ in options]), odd_text)
    if kind == Kind.EMAIL:
        return odd_email
    return odd_text


@pytest.fixture()
def draft(app, fuzz_workshop) -> Submission:  # noqa: ANN001
    return submissions.draft_for_booking(_delegate(fuzz_workshop))


@FUZZ
@given(data=st.data())
def test_practice_sections(app, draft, data):
    section = data.draw(st.sampled_from(PRACTICE_FORM.sections))
    posted = data.draw(sometimes_missing(
        {q.key: _question_value(q.kind, q.options) for q in section.questions}))
    url = f"/feedback/practice/{draft.token}/section/{section.key}"
    assert_answers_well(_client(app).post(url, data=posted), f"POST {url} {posted!r:.300}")
    # The task list and the check page still render whatever was stored.
    for page in (f"/feedback/practice/{draft.token}", f"/feedback/practice/{draft.token}/check"):
        assert _client(app).get(page).status_code == 200, page


@FUZZ
@given(key=odd_text)
def test_unknown_section_keys(app, draft, key):
    response = _client(app).post(f"/feedback/practice/{draft.token}/section/x{key}",
                                 data={"title": "x"})
    assert_answers_well(response, f"section {key!r:.100}")


# --- uploads ----------------------------------------------------------------------------------

MAGIC = [b"", b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"PK\x03\x04",
         b"<html><script>alert(1)</script>", b"\x00\x00"]
file_bytes = st.builds(lambda head, tail: head + tail, st.sampled_from(MAGIC),
                       st.binary(max_size=2048))
file_names = st.one_of(
    st.sampled_from(["../../etc/passwd", "..\\..\\boot.ini", "/etc/passwd", "a\x00.pdf",
                     "evil.pdf\x00.exe", "x" * 300 + ".pdf", "\u202egpj.exe", "résumé 😀.pdf",
                     "<script>.png", "CON", ".", "..", " ", "a/b/c.pdf"]),
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters='"\r\n'),
            min_size=1, max_size=300),
)


def _upload(client, url: str, content: bytes, name: str):  # noqa: ANN001, ANN202
    return client.post(url, data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def _assert_kept_safely(attached) -> None:  # noqa: ANN001
    """A file kept from an upload: its name shown is only a name, and it is stored under one
    of the service's own."""
    label = attached.original_name
    assert "/" not in label and "\\" not in label and "\x00" not in label
    assert len(label) <= 210 and attached.stored_name.isalnum()


@FUZZ
@given(content=file_bytes, name=file_names)
def test_evidence_upload(app, draft, content, name):
    url = f"/feedback/practice/{draft.token}/evidence"
    assert_answers_well(_upload(_client(app), url, content, name), f"evidence {name!r:.80}")
    db.session.expire_all()
    for attached in db.session.get(Submission, draft.id).files:
        _assert_kept_safely(attached)
        # Remove it again so the draft never reaches its limit of files.
        response = _client(app).get(f"/feedback/practice/{draft.token}/evidence/{attached.id}")
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment")
        submissions.remove_evidence(draft, attached.id)


@FUZZ
@given(content=file_bytes, name=file_names)
def test_filled_pdf_upload(app, draft, content, name):
    url = f"/feedback/practice/{draft.token}/upload"
    assert_answers_well(_upload(_client(app), url, content, name), f"upload {name!r:.80}")


def test_an_upload_without_a_file_is_a_field_message(app, draft):
    for url in (f"/feedback/practice/{draft.token}/upload",
                f"/feedback/practice/{draft.token}/evidence"):
        response = _client(app).post(url, data={}, content_type="multipart/form-data")
        assert response.status_code == 422
        assert_answers_well(response, url)


def test_an_oversized_upload_gets_the_designed_413(app, draft):
    big = b"%PDF-1.4\n" + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = _upload(_client(app), f"/feedback/practice/{draft.token}/evidence", big, "a.pdf")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Error code 413" in page and "Files must be smaller than 10 MB" in page
    assert f'href="/feedback/practice/{draft.token}/evidence" id="go-back"' in page


# --- the evaluation and validation's answer page ----------------------------------------------

@pytest.fixture()
def invitation(app, fuzz_workshop) -> Invitation:  # noqa: ANN001
    made = _delegate(fuzz_workshop)
    found = Invitation(booking_id=made.id, workshop_id=fuzz_workshop.id)
    db.session.add(found)
    db.session.commit()
    return found


_rating_values = [str(v) for v, _ in RATING_SCALE]
evaluation_fields = {
    q.key: (st.one_of(st.sampled_from(_rating_values), odd_text) if q.kind == Kind.RATING
            else odd_text)
    for q in EVALUATION_FORM.questions()
}


@FUZZ
@given(data=sometimes_missing(evaluation_fields))
def test_evaluation_form(app, invitation, data):
    url = f"/feedback/invitation/{invitation.token}/evaluation"
    assert_answers_well(_client(app).post(url, data=data), f"evaluation {data!r:.300}")


@pytest.fixture()
def asked_case(app):  # noqa: ANN001, ANN201
    return case_in(CaseState.INFO_REQUESTED)


@pytest.fixture()
def awaiting_approval(app):  # noqa: ANN001, ANN201
    """A validated case's public text, sent to its submitter for approval."""
    seed_rubric()
    found = validated(staff(Role.PANEL_CHAIR))
    publication.send_for_approval(found, actor=staff(Role.SCREENER), flags_checked=True)
    db.session.commit()
    return found


@settings(FUZZ, max_examples=30)
@given(answer=odd_text, action=st.sampled_from([{"save": "y"}, {"send": "y"}, {},
                                                {"change": "about"}, {"change": "../x"}]))
def test_validation_respond_form(app, asked_case, answer, action):
    url = f"/validation/respond/{asked_case.token}"
    response = _client(app).post(url, data={"answer": answer, **action})
    assert_answers_well(response, f"respond {answer!r:.100} {action}")


@settings(FUZZ, max_examples=40)
@given(data=st.data())
def test_validation_amendments(app, asked_case, data):
    section = data.draw(st.sampled_from(amendable_sections()))
    posted = data.draw(sometimes_missing(
        {q.key: _question_value(q.kind, q.options) for q in section.questions
         if amendable(q)} | {"flags_confirmed": st.sampled_from(["y", "", "\x00"])}))
    url = f"/validation/respond/{asked_case.token}/section/{section.key}"
    assert_answers_well(_client(app).post(url, data=posted), f"POST {url} {posted!r:.300}")
    # The answer page still renders whatever amendment was kept.
    assert _client(app).get(f"/validation/respond/{asked_case.token}").status_code == 200


@settings(FUZZ, max_examples=40)
@given(content=file_bytes, name=file_names)
def test_validation_evidence_upload(app, asked_case, content, name):
    url = f"/validation/respond/{asked_case.token}/evidence"
    assert_answers_well(_upload(_client(app), url, content, name), f"evidence {name!r:.80}")
    db.session.expire_all()
    for attached in db.session.get(Case, asked_case.id).files:
        _assert_kept_safely(attached)
        # Removed again, so the request never reaches its limit of files.
        requests.remove_file(asked_case, attached.id)
        db.session.commit()


@settings(FUZZ, max_examples=30)
@given(reason=odd_text)
def test_withdrawal_reason(app, reason):
    # A case of its own each time: a reason that is accepted withdraws it.
    case = case_in(CaseState.SCREENING)
    url = f"/validation/respond/{case.token}/withdraw"
    response = _client(app).post(url, data={"reason": reason, "submit": "y"})
    assert_answers_well(response, f"withdraw {reason!r:.100}")


@settings(FUZZ, max_examples=30)
@given(comment=odd_text, button=st.sampled_from([{"change": "y"}, {"approve": "y"}, {}]))
def test_publication_approval(app, awaiting_approval, comment, button):
    url = f"/validation/approve/{awaiting_approval.case.token}"
    response = _client(app).post(url, data={"comment": comment, **button})
    assert_answers_well(response, f"approve {comment!r:.100} {button}")


# --- odd values in every link and every query string -------------------------------------------

ODD_PARAMS = ["\x00", "x" * 5000, "'; --", "<script>alert(1)</script>", "99999999999999999999999",
              "-1", "\u202e", "../../etc/passwd"]


def test_odd_values_in_any_link_or_query_never_break_a_page(app):
    from werkzeug.routing import IntegerConverter

    from tests.conftest import make_staff
    from tests.security import visitor
    from tests.test_access_matrix import _rules
    from workshops.models import Role

    admin = visitor(app, "10.99.0.1")
    user = make_staff(Role.ADMIN, "fuzz-admin@example.org")
    assert admin.post("/staff/login", data={"email": user.email,
                                            "password": "correct horse battery staple"}
                      ).status_code == 303
    anonymous = visitor(app, "10.99.0.2")
    problems = []
    # Signing out goes last: it would sign the admin out of every page after it.
    for rule in sorted(_rules(app), key=lambda r: r.endpoint == "auth.logout"):
        if "GET" not in rule.methods:
            continue
        for odd in ODD_PARAMS:
            values = {}
            for name, converter in rule._converters.items():  # noqa: SLF001
                kind = type(converter).__name__
                values[name] = (1 if isinstance(converter, IntegerConverter) else
                                sorted(converter.items)[0] if kind == "AnyConverter" else odd)
            url = rule.build(values, append_unknown=False)[1]
            query = {"q": odd, "page": odd, "sort": odd, "order": odd, "status": odd,
                     "region": odd, "next": odd, "who": odd, "action": odd, "workshop": odd}
            for client in (anonymous, admin):
                response = client.get(url, query_string=query)
                if client is admin and "/staff/login" in response.headers.get("Location", ""):
                    problems.append(f"GET {url!r:.120}: the admin was sent to sign in, so the "
                                    "page was never reached")
                if response.status_code >= 500:
                    problems.append(f"GET {url!r:.120} ?…={odd!r:.20}: {response.status_code}")
    assert not problems, "\n".join(sorted(set(problems)))
