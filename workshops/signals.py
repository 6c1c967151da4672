"""Cross-plugin events. Senders are the core's domain functions; plugins subscribe in init_app.

Each signal about a change is sent after the change is written to the session and before the
commit, so that a receiver's own writes (and mail it queues) commit or roll back together with
the change. `consumer_started` is about the process, not the data: `flask worker` sends it once,
inside the app context, before the queue consumer runs, so plugins can queue again work that a
killed consumer left unfinished (a task being run had already left the queue). Its receivers
must not raise; the worker logs any that do and starts anyway. `personal_data_requested` asks
rather than tells: an administrator answering a person's request for their data sends it with
the address (`email`, in the form bookings key it), and each receiver returns what its plugin
holds under that address (a `personal_data.Holding`, or None). `retention_due` asks too: the
retention run (workshops.retention) sends it so that each plugin erases what it keeps past the
retention period, and warns whoever should hear before something of theirs goes.
"""

from blinker import Namespace

_signals = Namespace()

booking_confirmed = _signals.signal("booking-confirmed")  # sender: Booking
booking_cancelled = _signals.signal("booking-cancelled")  # sender: Booking
booking_changed = _signals.signal("booking-changed")  # sender: Booking; changes={field: (old, new)}
booking_waitlisted = _signals.signal("booking-waitlisted")  # sender: Booking
place_offered = _signals.signal("place-offered")  # sender: Booking
workshop_changed = _signals.signal("workshop-changed")  # sender: Workshop; changes=...
workshop_cancelled = _signals.signal("workshop-cancelled")  # sender: Workshop
workshop_finished = _signals.signal("workshop-finished")  # sender: Workshop; attendees=[Booking]
# sender: Booking; its arrival was recorded (on the day, or copied in from the paper sheet later,
# perhaps after the workshop was finished and its attendees invited)
delegate_checked_in = _signals.signal("delegate-checked-in")
# sender: Booking; an arrival recorded by mistake was taken back (checkin.undo_check_in). What
# followed from it stays (a feedback invitation sent because the workshop had been finished).
check_in_undone = _signals.signal("check-in-undone")
submission_received = _signals.signal("submission-received")  # sender: a submission
submission_decided = _signals.signal("submission-decided")  # sender: a submission
# sender: the submission's id; answers={key: new answer}, flags=[the submission's flags now]:
# the submitter changed answers when asked for more information, and its validation took them
submission_amended = _signals.signal("submission-amended")
consumer_started = _signals.signal("consumer-started")  # sender: Flask app, in its context
personal_data_requested = _signals.signal("personal-data-requested")  # sender: app; email=...
# sender: app; email=...; sent inside personal_data.erase's transaction: a receiver erases what
# its plugin holds under the address and returns a personal_data.Erased (or None)
personal_data_erasing = _signals.signal("personal-data-erasing")
# sender: app; now=the run's instant, dry_run=...; sent by retention.erase inside a transaction of
# its own, which the core commits: a receiver erases (or in a dry run only counts) what it keeps
# past the period, queues any warnings due, and returns a retention.PluginErasure (or None)
retention_due = _signals.signal("retention-due")
