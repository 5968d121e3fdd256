"""Steps of the interrupted-run test, each run as its own process (``python -m tests.retention.killable STEP``).

The settings come from the environment (``CASEBOOK_DATABASE_URL``, ``CASEBOOK_MASTER_KEYS`` …), as for
the ``casebook`` command. ``seed`` commits a small world and an approved list; ``kill-at-blobs`` and
``kill-mid-item`` run the destruction and SIGKILL themselves at the named moment (a real ``kill -9``:
no cleanup, no rollback); ``state`` prints what is left as JSON.
"""

from __future__ import annotations

import json
import os
import signal
import sys

from casebook import create_app, migrate


def _seed() -> dict:
    from sqlalchemy import select

    from casebook.crypto.models import DataKey
    from casebook.db import db
    from casebook.people.models import PersonSearchIndex
    from casebook.retention import plan, services
    from tests.documents.support import upload
    from tests.factories import make_case, make_note, make_person, make_user
    from tests.retention.support import AS_OF, close, participant, privacy_officer, supervisor, triaged_signal

    bakker, smit = make_person("Bakker", given_names="Karim"), make_person("Smit")
    case_a = make_case(subjects=[bakker, smit])
    worker = participant(case_a)
    make_note(case_a, worker, body="Huisbezoek bij Bakker")
    first = upload(case_a, worker, b"%PDF-1.4 eerste verslag %%EOF", title="Verslag een")
    second = upload(case_a, worker, b"%PDF-1.4 tweede verslag %%EOF", title="Verslag twee")
    close(case_a)
    case_b = make_case(subjects=[smit])
    make_note(case_b, participant(case_b), body="Smit blijft in beeld")
    case_c = make_case(subjects=[make_person("Yilmaz")])
    make_note(case_c, participant(case_c), body="Afgerond traject")
    close(case_c)
    signal_s = triaged_signal(make_user(roles=["coordinator"]), persons=[make_person("Jansen")])
    listing = plan.draw_up(AS_OF)
    services.approve(listing, by=supervisor())
    services.approve(listing, by=privacy_officer())
    db.session.commit()

    def wrapped(owner_type: str, ref: str) -> str:
        return db.session.scalar(
            select(DataKey.wrapped).where(DataKey.owner_type == owner_type, DataKey.owner_ref == ref)
        ).hex()

    return {
        "list_id": listing.id,
        "case_b": case_b.id,
        "smit": smit.id,
        "wrapped": [
            wrapped("case", case_a.uuid),
            wrapped("case", case_c.uuid),
            wrapped("person", bakker.uuid),
            wrapped("signal", signal_s.uuid),
        ],
        "index_values": list(
            db.session.scalars(select(PersonSearchIndex.value).where(PersonSearchIndex.person_id == bakker.id))
        ),
        "blobs": [v.storage_key for d in (first, second) for v in d.versions],
    }


def _state() -> dict:
    from sqlalchemy import select

    from casebook.cases.models import Case
    from casebook.crypto.models import DataKey
    from casebook.db import db
    from casebook.documents.models import Document
    from casebook.people.models import Person
    from casebook.retention.models import DestructionItem
    from casebook.signals.models import Signal

    models = {"case": Case, "signal": Signal, "person": Person}
    items = []
    for item in db.session.scalars(select(DestructionItem).order_by(DestructionItem.id)):
        if item.kind == "document":
            intact = db.session.get(Document, item.object_id) is not None
        else:
            owner = db.session.get(models[str(item.kind)], item.object_id)
            key = db.session.scalar(
                select(DataKey.wrapped).where(DataKey.owner_type == str(item.kind), DataKey.owner_ref == owner.uuid)
            )
            intact = key is not None
        items.append(
            {"kind": str(item.kind), "status": str(item.status), "intact": intact, "pending": item.pending_blobs}
        )
    return {"items": items}


def _readable(case_id: int, person_id: int) -> dict:
    from sqlalchemy import select

    from casebook.db import db
    from casebook.journal.models import Note
    from casebook.people.models import Person

    note = db.session.scalar(select(Note).where(Note.case_id == case_id))
    return {"note": str(note.body), "person": str(db.session.get(Person, person_id).family_name)}


def main() -> None:
    step = sys.argv[1]
    app = create_app()
    with app.app_context():
        from casebook.retention import destroy

        if step == "seed":
            migrate.upgrade(app)
            print(json.dumps(_seed()))
        elif step == "kill-at-blobs":
            destroy._remove_blobs = lambda item: os.kill(os.getpid(), signal.SIGKILL)
            destroy.run()
        elif step == "kill-mid-item":
            original = destroy._destroy_item

            def destroy_then_die(item):
                original(item)
                from casebook.db import db

                db.session.flush()  # everything written, nothing committed
                os.kill(os.getpid(), signal.SIGKILL)

            destroy._destroy_item = destroy_then_die
            destroy.run()
        elif step == "state":
            print(json.dumps(_state()))
        elif step == "readable":
            print(json.dumps(_readable(int(sys.argv[2]), int(sys.argv[3]))))


if __name__ == "__main__":
    main()
