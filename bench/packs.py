"""How fast are the delegate packs? `python -m bench.packs` (only prints; asserts nothing).

In one run on one workshop of 200 confirmed delegates (SQLite in a temporary folder, the demo's
North East workshop as content):

  - one full pack, as a delegate downloads it (tagged PDF/UA);
  - the bulk print file: shared pages once, personal overlays batched, merged with pypdf;
  - the naive way: every pack rendered whole and merged (timed on a sample, scaled up, unless
    --naive-all);
  - the marginal cost of a delegate in the print file as a % of one full pack, and the speed-up;
  - the peak memory (ru_maxrss) of a fresh process that builds the print file for 500 delegates.
"""

from __future__ import annotations

import argparse
import atexit
import io
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The app's instance folder (its queue file, its secret key) for this run only: made once, by
# the first process (the memory child inherits it), and removed when that process exits.
if "INSTANCE_PATH" not in os.environ:
    os.environ["INSTANCE_PATH"] = tempfile.mkdtemp(prefix="bench-packs-")
    atexit.register(shutil.rmtree, os.environ["INSTANCE_PATH"], ignore_errors=True)

from pypdf import PdfReader, PdfWriter  # noqa: E402

from workshops import create_app  # noqa: E402
from workshops.extensions import db  # noqa: E402

NAMES = ["Siân Ó Súilleabháin", "Łukasz Żółć", "Zoë Brontë", "Amara Okafor", "Tom Hughes",
         "Priya Shah", "Gareth Lloyd", "Niamh Byrne", "Ewa Nowak", "David Clarke"]


def _app(folder: Path):  # noqa: ANN202
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
                       "HUEY_IMMEDIATE": True, "PUBLIC_URL": "https://workshops.example.org"})


def _workshop(count: int):  # noqa: ANN202
    """The demo's North East workshop with exactly `count` confirmed delegates."""
    from workshops import demo
    from workshops.models import Booking, Workshop

    db.create_all()
    demo.load()
    workshop = db.session.scalar(db.select(Workshop).where(Workshop.region == "north-east"))
    workshop.capacity = count
    db.session.execute(db.delete(Booking).where(Booking.workshop_id == workshop.id))
    for i in range(count):
        name = f"{NAMES[i % len(NAMES)]} {i:03d}" if i >= len(NAMES) else NAMES[i]
        email = f"delegate{i}@example.org"
        db.session.add(Booking(workshop=workshop, status="confirmed", name=name, email=email,
                               email_key=email, organisation="Newcastle City Council",
                               job_title="Social worker", list_consent=i % 3 != 0))
    db.session.commit()
    return workshop


def _timed(fn, *args):  # noqa: ANN001, ANN002, ANN202
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def memory_child(count: int) -> None:
    """Runs in its own process so that ru_maxrss is this job's peak alone."""
    from packs import bulk

    with tempfile.TemporaryDirectory() as folder:
        app = _app(Path(folder))
        with app.app_context():
            workshop = _workshop(count)
            pdf = bulk.print_file(workshop)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{peak_mb:.0f} {len(PdfReader(io.BytesIO(pdf)).pages)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delegates", type=int, default=200)
    parser.add_argument("--memory-delegates", type=int, default=500)
    parser.add_argument("--naive-sample", type=int, default=10)
    parser.add_argument("--naive-all", action="store_true")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
        return

    from packs import bulk, render

    with tempfile.TemporaryDirectory() as folder:
        app = _app(Path(folder))
        with app.app_context():
            workshop = _workshop(args.delegates)
            people = render.confirmed_bookings(workshop)
            render.render_pack(people[0])  # warm-up: fonts, stylesheet, templates
            one, pack = _timed(render.render_pack, people[0])
            pack_pages = len(PdfReader(io.BytesIO(pack)).pages)
            bulk_time, printed = _timed(bulk.print_file, workshop)

            sample = people if args.naive_all else people[:args.naive_sample]

            def naive() -> bytes:
                writer = PdfWriter()
                for booking in sample:
                    writer.append(PdfReader(io.BytesIO(render.render_pack(booking))))
                out = io.BytesIO()
                writer.write(out)
                return out.getvalue()

            naive_sample, _ = _timed(naive)
            naive_time = naive_sample * len(people) / len(sample)

    n = len(people)
    marginal = (bulk_time - one) / n
    print(f"delegates:                 {n}")
    print(f"one full pack:             {one:.2f} s ({pack_pages} pages, tagged)")
    print(f"bulk print file:           {bulk_time:.2f} s "
          f"({len(PdfReader(io.BytesIO(printed)).pages)} pages, {len(printed) // 1024} KB)")
    scaled = "" if args.naive_all else f" (measured on {len(sample)}, scaled to {n})"
    print(f"naive, each pack whole:    {naive_time:.1f} s{scaled}")
    print(f"marginal cost a delegate:  {marginal * 1000:.0f} ms = {100 * marginal / one:.1f}% "
          "of one full pack")
    print(f"budget (one + 5% each):    {one * (1 + 0.05 * n):.2f} s")
    print(f"speed-up over naive:       {naive_time / bulk_time:.1f}x")

    child = subprocess.run(
        [sys.executable, "-m", "bench.packs", "--memory-child", str(args.memory_delegates)],
        capture_output=True, text=True, check=True)
    peak, pages = child.stdout.split()[-2:]
    print(f"peak memory, {args.memory_delegates} delegates: {peak} MB ({pages} pages)")


if __name__ == "__main__":
    main()
