"""What one app instance holds: settings, the records session factory, the grading mapping, the knowledge
base and the chat model (heavy objects created once per app, never global), and the background executor.

Nothing here caches who a token belongs to: every request checks its token in the database, so a revoked
token or a deactivated user is refused at once, by every worker process."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from core.settings import Settings

log = logging.getLogger("jixiao.api")


def _ensure_starter(kb: Any) -> None:
    """Index the starter pack (the fact sheet's rule cards) if missing; idempotent by content hash."""
    try:
        from assistant.knowledge import starter_pack_dir

        report = kb.ensure_starter(starter_pack_dir())
    except Exception:
        log.exception("starter pack could not be indexed")
        return
    for failure in getattr(report, "failed", []):
        log.warning("starter pack: %s", failure.message)


@dataclass
class AppServices:
    settings: Settings
    session_factory: sessionmaker[Session]
    chat_model: Any
    mode: str
    mode_label: str
    # one worker: ingestion jobs write the index, so they run one after another
    ingest_executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="jixiao-ingest")
    )
    grading: Any = None  # the GradingConfig of settings.grading_file, None for the packaged one
    callbacks: Any = None  # api.callbacks.CallbackDispatcher: precheck callbacks, sent off the request path
    ingest_worker: Any = None  # api.ingest_jobs.IngestWorker: leases document ingest jobs from the database
    llm_endpoint: dict[str, Any] = field(default_factory=dict)  # where model text goes (health, UI badge)
    _knowledge_base: Any = None
    _kb_lock: threading.Lock = field(default_factory=threading.Lock)
    _warming: threading.Event = field(default_factory=threading.Event)

    def knowledge_base(self) -> Any:
        """The app's KnowledgeBase, opened on first use (loading the embedder takes a moment)."""
        if self._knowledge_base is None:
            with self._kb_lock:
                if self._knowledge_base is None:
                    from vectorstore.knowledge_base import KnowledgeBase

                    kb = KnowledgeBase.open(self.settings)
                    _ensure_starter(kb)
                    self._knowledge_base = kb
        return self._knowledge_base

    def knowledge_base_if_open(self) -> Any:
        return self._knowledge_base

    def knowledge_base_within(self, timeout_s: float) -> Any:
        """The KnowledgeBase if it is open or opens within `timeout_s`, else None (still loading: on a
        fresh data dir the starter pack is being embedded, which can take minutes on a busy machine)."""
        if self._knowledge_base is not None:
            return self._knowledge_base
        if not self._kb_lock.acquire(timeout=timeout_s):
            return self._knowledge_base
        self._kb_lock.release()
        return self.knowledge_base()

    def warm_up(self) -> None:
        """Open the knowledge base on the ingest worker (first start indexes the starter pack)."""
        if self._knowledge_base is None and not self._warming.is_set():
            self._warming.set()
            self.ingest_executor.submit(self._warm_up_quietly)

    def _warm_up_quietly(self) -> None:
        try:
            self.knowledge_base()
        except Exception:
            log.exception("knowledge base warm-up failed")
            self._warming.clear()

    def close(self) -> None:
        # queued jobs stay in the database for the next worker; a running one's lease expires and is retried
        if self.ingest_worker is not None:
            self.ingest_worker.stop()
        self.ingest_executor.shutdown(wait=False, cancel_futures=True)
        if self.callbacks is not None:
            self.callbacks.close()
        closer = getattr(self._knowledge_base, "close", None)
        if callable(closer):
            closer()
        engine = self.session_factory.kw.get("bind")
        if engine is not None:
            engine.dispose()
