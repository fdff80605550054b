"""Use-cases of the learner: next lesson, marking progress, plans, stats, recommendations.

No Typer and no Rich here: functions take the catalog and the store and return the frozen
dataclasses of ``results``, which the views render and ``--json`` prints (``Output.emit``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .curriculum.catalog import Catalog
from .curriculum.models import Checkpoint, LearningPath, Topic
from .curriculum.schema import COVERED_STATUSES, FINISHED_STATUSES, LEVELS, PATH_GROUPS, TopicStatus
from .errors import MentorError, NotFound
from .progress.store import Store, utcnow

if TYPE_CHECKING:
    from .results import (
        Answer,
        Attempt,
        CalendarDay,
        Categories,
        CheckpointDetail,
        CheckpointList,
        CheckpointSummary,
        CurriculumInfo,
        Dashboard,
        DueReview,
        FinishedStage,
        GradedAnswer,
        ImportResult,
        Lesson,
        ManualCompletion,
        Marked,
        NextStep,
        PathDetail,
        PathFinished,
        PathOverview,
        PathProgress,
        PathStarted,
        PathSummary,
        PathTopic,
        Plan,
        PlanTopic,
        PlanWeek,
        Portfolio,
        ProjectDetail,
        ProjectList,
        QuizResult,
        ReviewQueue,
        SearchHit,
        StarterFiles,
        Stats,
        Streak,
        TopicView,
        Validation,
        VerifyResult,
    )

FINISHED = FINISHED_STATUSES  # no longer the next lesson (defined once, in curriculum.schema)
COVERED = COVERED_STATUSES  # counts as learned: progress, prerequisites


# --- ordering ---------------------------------------------------------------------------------


def ordered_topics(catalog: Catalog, path: LearningPath) -> list[str]:
    """The path's topics in study order: path order, each after its prerequisites in the path."""
    in_path = path.topic_ids
    members = set(in_path)
    order: list[str] = []
    placed: set[str] = set()

    def place(topic_id: str, trail: tuple[str, ...]) -> None:
        if topic_id in placed or topic_id in trail:
            return
        topic = catalog.topics.get(topic_id)
        for prereq in topic.prerequisites if topic else []:
            if prereq in members:
                place(prereq, (*trail, topic_id))
        placed.add(topic_id)
        order.append(topic_id)

    for topic_id in in_path:
        place(topic_id, ())
    return order


def missing_prerequisites(catalog: Catalog, topic: Topic, statuses: dict[str, str]) -> list[str]:
    """Direct prerequisites the learner has neither done nor shown to know."""
    return [p for p in topic.prerequisites if statuses.get(p) not in COVERED and p in catalog.topics]


def next_topic(catalog: Catalog, path: LearningPath, statuses: dict[str, str]) -> Topic | None:
    """The first topic of the path, in study order, that is neither done nor skipped."""
    for topic_id in ordered_topics(catalog, path):
        if statuses.get(topic_id) not in FINISHED and topic_id in catalog.topics:
            return catalog.topics[topic_id]
    return None


def stage_of(path: LearningPath, topic_id: str) -> str | None:
    for stage in path.stages:
        if topic_id in stage.topic_ids:
            return stage.level
    return None


# --- profile and paths ------------------------------------------------------------------------


def active_path(catalog: Catalog, store: Store) -> LearningPath | None:
    profile = store.profile()
    if not profile or not profile.get("active_path"):
        return None
    path_id = profile["active_path"]
    if path_id not in catalog.paths:
        raise MentorError(
            f"your active path '{path_id}' is not in the curriculum any more; choose one with 'backend-mentor path start ID'"
        )
    return catalog.paths[path_id]


def require_active_path(catalog: Catalog, store: Store) -> LearningPath:
    path = active_path(catalog, store)
    if path is None:
        raise MentorError("no learning path chosen yet; run 'backend-mentor learn' (or 'learn --path ID --yes')")
    return path


def start_path(catalog: Catalog, store: Store, path_id: str, **profile: str | float | None) -> LearningPath:
    path = catalog.path(path_id)
    with store.transaction() as db:
        store.save_profile(db, active_path=path.id, **{k: v for k, v in profile.items() if v is not None})
        store.log(db, "path.started", path.id, **{k: v for k, v in profile.items() if v is not None})
    return path


@dataclass(frozen=True)
class Recommendation:
    path: LearningPath
    reasons: list[str]


def recommend_path(catalog: Catalog, experience: str, language: str | None, goal: str | None) -> Recommendation:
    """Pick a path from the learner's answers, and say why."""
    if not catalog.paths:
        raise MentorError("the curriculum has no learning paths")
    if goal and goal in catalog.paths:
        path = catalog.paths[goal]
        reasons = [f"you want to become a {path.title}: this path is built for that role"]
        if language and path.languages and language not in path.languages and "any" not in path.languages:
            reasons.append(f"it is taught with {', '.join(path.languages)}; your {language} skills still transfer")
        return Recommendation(path, reasons)
    if language and language != "any":
        roles = [
            p for p in catalog.paths.values() if p.kind == "role" and p.group == "core" and p.languages == [language]
        ]
        tracks = [p for p in catalog.paths.values() if p.kind == "language" and language in p.languages]
        for candidate in roles + tracks:
            return Recommendation(
                candidate,
                [
                    f"you prefer {language} and are not set on a role: {candidate.title} teaches backend development "
                    "in that language, with its own frameworks"
                ],
            )
    generalist = [
        p
        for p in catalog.paths.values()
        if p.kind == "role" and p.group == "core" and (not p.languages or "any" in p.languages)
    ]
    path = (generalist or [p for p in catalog.paths.values() if p.kind == "role"] or list(catalog.paths.values()))[0]
    return Recommendation(
        path, [f"without a fixed role or language, {path.title} covers the foundations every backend role shares"]
    )


def paths_by_group(catalog: Catalog) -> dict[str, list[LearningPath]]:
    groups: dict[str, list[LearningPath]] = {g: [] for g in PATH_GROUPS}
    for path in catalog.paths.values():
        groups.setdefault(path.group, []).append(path)
    return {g: ps for g, ps in groups.items() if ps}


def path_progress(catalog: Catalog, path: LearningPath, statuses: dict[str, str]) -> PathProgress:
    """Topics per stage: done, known (placement, test-out), covered (both) and skipped."""

    from .results import PathProgress, StageProgress

    def count(ids: list[str], *wanted: str) -> int:
        return sum(1 for t in ids if statuses.get(t) in wanted)

    stages = []
    for stage in path.stages:
        ids = list(dict.fromkeys(stage.topic_ids))
        hours = sum(catalog.topics[t].hours for t in ids if t in catalog.topics)
        stages.append(
            StageProgress(
                level=stage.level,
                months=stage.months,
                topics=len(ids),
                done=count(ids, TopicStatus.DONE),
                known=count(ids, TopicStatus.KNOWN),
                covered=count(ids, *COVERED),
                skipped=count(ids, TopicStatus.SKIPPED),
                hours=hours,
            )
        )
    ids = path.topic_ids
    covered = count(ids, *COVERED)
    return PathProgress(
        topics=len(ids),
        done=count(ids, TopicStatus.DONE),
        known=count(ids, TopicStatus.KNOWN),
        covered=covered,
        percent=round(100 * covered / len(ids)) if ids else 0,
        stages=tuple(stages),
    )


def path_summary(catalog: Catalog, path: LearningPath, statuses: dict[str, str]) -> PathSummary:
    from .results import PathSummary

    return PathSummary(path.id, path.title, path_progress(catalog, path, statuses))


def path_detail(
    catalog: Catalog, path: LearningPath, statuses: dict[str, str], passed: frozenset[str] = frozenset()
) -> PathDetail:
    """``path show``: the path with each topic's status, its progress and the stage you are on;
    ``passed``: the checkpoints passed."""

    from .results import PathDetail, PathModule, PathStage, PathTopic

    def topic_entry(tid: str) -> PathTopic:
        topic = catalog.topics.get(tid)
        return PathTopic(
            id=tid,
            title=topic.title if topic else tid,
            hours=topic.hours if topic else 0,
            status=statuses.get(tid, TopicStatus.NOT_STARTED.value),
        )

    stages = tuple(
        PathStage(
            level=s.level,
            months=s.months,
            title=s.title,
            goals=tuple(s.goals),
            modules=tuple(PathModule(m.title, tuple(topic_entry(t) for t in m.topics)) for m in s.modules),
            projects=tuple(s.projects),
            checkpoints=tuple(s.checkpoints),
        )
        for s in path.stages
    )
    return PathDetail(
        id=path.id,
        title=path.title,
        kind=path.kind,
        group=path.group,
        summary=path.summary,
        languages=tuple(path.languages),
        frameworks=tuple(path.frameworks),
        career=path.career,
        technologies=path.technologies,
        success_metrics=tuple(path.success_metrics),
        resources=tuple(path.resources),
        next=tuple(path.next),
        stages=stages,
        progress=path_progress(catalog, path, statuses),
        current_stage=current_stage(path, statuses),
        passed_checkpoints=passed,
    )


def path_overview(catalog: Catalog, statuses: dict[str, str], active: str | None = None) -> PathOverview:
    """Every path by group, each with its progress, and the active one: what ``path list`` shows."""

    from .results import PathEntry, PathGroup, PathOverview

    groups = tuple(
        PathGroup(
            group,
            tuple(
                PathEntry(p.id, p.title, p.kind, p.summary, tuple(p.next), path_progress(catalog, p, statuses))
                for p in paths
            ),
        )
        for group, paths in paths_by_group(catalog).items()
    )
    return PathOverview(active=active, groups=groups)


def switch_path(catalog: Catalog, store: Store, path_id: str) -> PathStarted:
    """``path start``: make a path the active one; its progress so far carries over."""

    from .results import PathStarted

    path = start_path(catalog, store, path_id)
    return PathStarted(active=path.id, progress=path_progress(catalog, path, store.statuses()), title=path.title)


def current_stage(path: LearningPath, statuses: dict[str, str]) -> int | None:
    """The index of the first stage with a topic not yet finished (None when all are)."""
    for index, stage in enumerate(path.stages):
        if any(statuses.get(t) not in FINISHED for m in stage.modules for t in m.topics):
            return index
    return None


def projects_in_paths(catalog: Catalog) -> dict[str, list[str]]:
    """Project id -> the ids of the paths whose stages use it, in catalog order."""
    used: dict[str, list[str]] = {}
    for path in catalog.paths.values():
        for stage in path.stages:
            for pid in stage.projects:
                if path.id not in used.setdefault(pid, []):
                    used[pid].append(path.id)
    return used


def project_list(catalog: Catalog) -> ProjectList:
    """Every practice project with the paths that use it."""

    from .results import ProjectEntry, ProjectList

    used_by = projects_in_paths(catalog)
    return ProjectList(
        tuple(
            ProjectEntry(p.id, p.title, p.level, p.summary, tuple(used_by.get(p.id, [])))
            for p in catalog.projects.values()
        )
    )


def project_detail(catalog: Catalog, store: Store, project_id: str) -> ProjectDetail:
    """A project with the paths that use it, your topic statuses and its checkpoints' states."""

    from .results import ProjectDetail

    p = catalog.project(project_id)
    summaries = checkpoint_summaries(store)
    return ProjectDetail(
        id=p.id,
        title=p.title,
        level=p.level,
        summary=p.summary,
        features=tuple(p.features),
        milestones=tuple(p.milestones),
        stretch=tuple(p.stretch),
        topics=tuple(p.topics),
        checkpoints=tuple(p.checkpoints),
        paths=tuple(projects_in_paths(catalog).get(p.id, [])),
        statuses=store.statuses(),
        checkpoint_states={c: checkpoint_state(summaries.get(c)) for c in p.checkpoints},
    )


def example_language(store: Store, override: str | None = None) -> str | None:
    """The language whose examples come first: ``--language`` if given, else the profile's (None: any)."""
    from .curriculum.schema import EXAMPLE_PREFERENCES, LANGUAGE_ALIASES

    if override is not None:
        wanted = override.strip().lower()
        wanted = LANGUAGE_ALIASES.get(wanted, wanted)
        if wanted not in EXAMPLE_PREFERENCES:
            choices = ", ".join(EXAMPLE_PREFERENCES)
            raise MentorError(f"unknown language '{override}' for --language; choose one of: {choices}")
        return wanted
    profile = store.profile() or {}
    language = profile.get("language")
    return language if language in EXAMPLE_PREFERENCES else None


# --- marking progress -------------------------------------------------------------------------


def mark_topics(catalog: Catalog, store: Store, topic_ids: Iterable[str], status: TopicStatus) -> list[str]:
    """Set a status on several topics at once: all of them, or (on an unknown id) none."""
    ids = list(dict.fromkeys(topic_ids))
    for topic_id in ids:
        catalog.topic(topic_id)  # raises NotFound with a suggestion
    with store.transaction() as db:
        for topic_id in ids:
            store.set_status(db, topic_id, status)
            store.log(db, f"topic.{status}", topic_id)
    return ids


def lesson(catalog: Catalog, store: Store, topic: Topic) -> Lesson:
    """``learn``: the lesson to study, prerequisites not covered, stages to prove, reviews due."""

    from .results import Lesson

    statuses = store.statuses()
    path = active_path(catalog, store)
    passed = {cid for cid, summary in store.checkpoint_summary().items() if summary["passed"]}
    return Lesson(
        path=path.id if path else None,
        topic=topic_view(topic, statuses),
        missing_prerequisites=tuple(missing_prerequisites(catalog, topic, statuses)),
        stages_to_prove=finished_stages(path, statuses, passed) if path else (),
        reviews_due=len(due_reviews(catalog, store)),
    )


def path_finished(path: LearningPath) -> PathFinished:
    """``learn`` when every topic of the path is done or skipped."""

    from .results import PathFinished

    return PathFinished(path=path.id, topic=None, finished=True, next_paths=tuple(path.next), title=path.title)


def topic_view(topic: Topic, statuses: dict[str, str]) -> TopicView:
    from .results import TopicView

    return TopicView(topic=topic, status=statuses.get(topic.id, TopicStatus.NOT_STARTED.value))


def next_step(catalog: Catalog, store: Store) -> NextStep:
    """After done or skip: the next lesson of the path, or the path just finished."""

    from .results import NextLesson, NextStep

    path = active_path(catalog, store)
    upcoming = next_topic(catalog, path, store.statuses()) if path else None
    if upcoming:
        return NextStep(topic=NextLesson(upcoming.id, upcoming.title, upcoming.hours), finished_path=None)
    return NextStep(topic=None, finished_path=path.title if path else None)


def mark(catalog: Catalog, store: Store, topic_ids: list[str] | None, status: TopicStatus) -> Marked:
    """``learn done`` / ``learn skip``: the topics named, or (without ids) the current lesson."""

    from .results import Marked

    if not topic_ids:
        path = active_path(catalog, store)
        current = next_topic(catalog, path, store.statuses()) if path else None
        if current is None:
            why = "your path is finished" if path else "no learning path chosen yet"
            verb = "done" if status == TopicStatus.DONE else "skip"
            raise MentorError(f"no current lesson ({why}); name the topic: backend-mentor learn {verb} TOPIC")
        topic_ids = [current.id]
    marked = mark_topics(catalog, store, topic_ids, status)
    return Marked(status=status, topics=tuple(marked), next_step=next_step(catalog, store))


def categories(catalog: Catalog, statuses: dict[str, str]) -> Categories:
    """``mentor`` without a query: every category with its topics and your status on each."""

    from .results import Categories, CategoryTopics, TopicBrief

    by_category = catalog.topics_by_category()
    return Categories(
        tuple(
            CategoryTopics(
                cid,
                c.title,
                tuple(
                    TopicBrief(t.id, t.title, t.level, statuses.get(t.id, TopicStatus.NOT_STARTED.value))
                    for t in by_category.get(cid, [])
                ),
            )
            for cid, c in catalog.categories.items()
        )
    )


def answer(catalog: Catalog, statuses: dict[str, str], query: str, limit: int) -> Answer:
    """``mentor QUERY``: the topic that clearly answers (with what to read first), and the close matches."""

    from .curriculum.search import search, suggestions
    from .results import Answer, SearchHit

    result = search(catalog, query, limit=limit)
    if not result.hits:
        close = suggestions(catalog, query)
        hint = f"; did you mean: {', '.join(close)}?" if close else "; list all topics with 'backend-mentor mentor'"
        raise NotFound(f"no topic matches '{query}'{hint}")
    hits = tuple(SearchHit(h.id, h.title, round(h.score, 3), h.exact) for h in result.hits)
    best = result.best
    if best is None:
        return Answer(query=query, match=None, results=hits, corrected=result.corrected, clear=False)
    return answer_with(catalog, statuses, query, hits, result.corrected, catalog.topics[best.id])


def answer_with(
    catalog: Catalog,
    statuses: dict[str, str],
    query: str,
    hits: tuple[SearchHit, ...],
    corrected: Mapping[str, str],
    topic: Topic,
) -> Answer:
    """The answer once a topic is chosen (the clear match, or the learner's pick from the list)."""

    from .results import Answer, TopicRef

    missing = missing_prerequisites(catalog, topic, statuses)
    return Answer(
        query=query,
        match=topic_view(topic, statuses),
        results=hits,
        corrected=corrected,
        clear=True,
        missing_prerequisites=tuple(TopicRef(m, catalog.topics[m].title) for m in missing),
    )


def begin_topic(store: Store, topic_id: str) -> None:
    """Mark a topic as being learned when its lesson is first shown."""
    if store.statuses().get(topic_id, TopicStatus.NOT_STARTED) == TopicStatus.NOT_STARTED:
        with store.transaction() as db:
            store.set_status(db, topic_id, TopicStatus.LEARNING)
            store.log(db, f"topic.{TopicStatus.LEARNING}", topic_id)


def record_quiz(
    store: Store, topic: Topic, answers: list[int], shown: list[list[int]] | None = None, source: str = "quiz"
) -> QuizResult:
    """Score a quiz, log it, and grade its review cards from the answers (right: good, wrong: again).

    ``answers`` are original option indexes; ``shown`` the order each question's options were
    shown in. Grading is by content, so a shuffled order never changes what counts as right.
    """

    from .results import QuizResult

    orders: list[list[int] | None] = list(shown) if shown else [None] * len(answers)
    answered = [(index, picked, orders[index]) for index, picked in enumerate(answers)]
    graded = grade_answers(store, topic, answered, source)
    correct = sum(1 for g in graded if g.correct)
    result = QuizResult(topic=topic.id, questions=len(topic.quiz), correct=correct)
    with store.transaction() as db:
        store.log(db, "quiz.taken", topic.id, correct=correct, questions=len(topic.quiz), source=source)
    return result


def grade_answers(
    store: Store, topic: Topic, answered: list[tuple[int, int, list[int] | None]], source: str
) -> list[GradedAnswer]:
    """Grade answered questions ``(question, picked, shown)`` of one topic: cards scheduled, answers kept."""

    from .results import GradedAnswer
    from .review import AGAIN, GOOD, is_correct, new_card, schedule

    now = utcnow()
    cards = {c["card_id"]: c for c in store.review_cards()}
    graded = []
    with store.transaction() as db:
        for index, picked, shown in answered:
            if not 0 <= index < len(topic.quiz):
                continue
            question = topic.quiz[index]
            right = is_correct(question, picked)
            card = cards.get(f"{topic.id}#{index}") or new_card(topic.id, index, now)
            card = schedule(card, GOOD if right else AGAIN, now)
            store.upsert_card(db, card)
            store.record_answer(
                db,
                source=source,
                card_id=card["card_id"],
                topic_id=topic.id,
                question=index,
                shown=shown,
                picked=picked,
                correct=right,
                rating=GOOD if right else AGAIN,
            )
            graded.append(GradedAnswer(card=card, correct=right))
    return graded


def due_reviews(catalog: Catalog, store: Store) -> tuple[DueReview, ...]:
    """Cards due now whose question still exists in the curriculum, oldest first."""

    from .results import DueReview
    from .review import due_cards

    return tuple(
        DueReview(card_id=c["card_id"], topic=c["topic_id"], due=c["due"], question=c["question"])
        for c in due_cards(store.review_cards())
        if c["topic_id"] in catalog.topics and 0 <= c["question"] < len(catalog.topics[c["topic_id"]].quiz)
    )


def review_queue(catalog: Catalog, store: Store, limit: int) -> ReviewQueue:
    """``review``: the cards due now (at most ``limit``), of how many, and when the next one is due."""

    from .results import ReviewQueue

    cards = store.review_cards()
    return ReviewQueue(
        cards=len(cards), due=due_reviews(catalog, store)[:limit], next_due=min((c["due"] for c in cards), default=None)
    )


def answer_review(store: Store, topic: Topic, card: DueReview, picked: int, shown: list[int]) -> bool:
    """Grade one reviewed question (its card is scheduled again) and log it; whether it was right."""
    (graded,) = grade_answers(store, topic, [(card.question, picked, shown)], "review")
    with store.transaction() as db:
        store.log(db, "review.answered", card.card_id, correct=graded.correct)
    return graded.correct


# --- placement --------------------------------------------------------------------------------

PLACEMENT_STAGES = {"some": 1, "developer": 1, "backend": 2}  # how many early stages a placement checks
QUESTIONS_PER_MODULE = 4
PASS_RIGHT = 3  # this many right answers (with at most one miss) show a module is known
STOP_MISSES = 2  # a module stops at its second miss


@dataclass(frozen=True)
class PlacementModule:
    stage: str
    title: str
    topics: list[str]  # the module's topics not yet done, skipped or known
    questions: list[tuple[str, int]]  # (topic id, quiz index) in the order they are asked


def module_questions(
    catalog: Catalog, topic_ids: list[str], limit: int = QUESTIONS_PER_MODULE
) -> list[tuple[str, int]]:
    """Up to ``limit`` questions spread over the topics: each topic's first question, then the second..."""
    quizzes = [(t, len(catalog.topics[t].quiz)) for t in topic_ids if t in catalog.topics]
    questions: list[tuple[str, int]] = []
    for index in range(max((n for _, n in quizzes), default=0)):
        for topic_id, size in quizzes:
            if index < size and len(questions) < limit:
                questions.append((topic_id, index))
    return questions


def placement_modules(
    catalog: Catalog, path: LearningPath, statuses: dict[str, str], experience: str | None
) -> list[PlacementModule]:
    """The modules of the path's early stages a placement check asks about (none for beginners)."""
    stages = path.stages[: PLACEMENT_STAGES.get(experience or "", 0)]
    order = {t: i for i, t in enumerate(ordered_topics(catalog, path))}
    modules = []
    for stage in stages:
        for module in stage.modules:
            open_ids = sorted(
                (t for t in dict.fromkeys(module.topics) if statuses.get(t) not in FINISHED and t in catalog.topics),
                key=lambda t: order.get(t, 0),
            )
            if open_ids:
                modules.append(
                    PlacementModule(stage.level, module.title, open_ids, module_questions(catalog, open_ids))
                )
    return modules


def module_verdict(results: list[bool], available: int) -> str | None:
    """'known', 'not-yet', or None while more questions are needed."""
    right = sum(results)
    if len(results) - right >= STOP_MISSES:
        return "not-yet"
    if right >= min(PASS_RIGHT, available):
        return "known"
    return "not-yet" if len(results) >= available else None


def record_placement(
    catalog: Catalog,
    store: Store,
    title: str,
    topic_ids: list[str],
    answered: list[tuple[str, int, int, list[int] | None]],
    verdict: str,
    source: str = "placement",
) -> list[str]:
    """Keep every answer (and grade its review card); a passed module's open topics become known."""
    by_topic: dict[str, list[tuple[int, int, list[int] | None]]] = {}
    for topic_id, index, picked, shown in answered:
        by_topic.setdefault(topic_id, []).append((index, picked, shown))
    for topic_id, items in by_topic.items():
        grade_answers(store, catalog.topics[topic_id], items, source)
    statuses = store.statuses()
    known = [t for t in topic_ids if statuses.get(t) not in COVERED] if verdict == "known" else []
    right = sum(1 for topic_id, index, picked, _ in answered if _is_right(catalog.topics[topic_id].quiz[index], picked))
    with store.transaction() as db:
        for topic_id in known:
            store.set_status(db, topic_id, TopicStatus.KNOWN)
            store.log(db, f"topic.{TopicStatus.KNOWN}", topic_id, via=source)
        store.log(db, f"{source}.module", title, verdict=verdict, asked=len(answered), right=right, topics=topic_ids)
    return known


def resolve_test_out(catalog: Catalog, store: Store, target: str) -> PlacementModule:
    """A topic id, or a module of the active path by title (any case, or its unique beginning)."""
    statuses = store.statuses()
    wanted = target.strip()
    if wanted in catalog.topics:
        topic = catalog.topics[wanted]
        open_ids = [topic.id] if statuses.get(topic.id) not in FINISHED else []
        return PlacementModule(topic.level, topic.title, open_ids, module_questions(catalog, [topic.id]))
    path = active_path(catalog, store)
    modules = [(stage, module) for stage in path.stages for module in stage.modules] if path else []
    key = " ".join(wanted.lower().replace("-", " ").split())

    def norm(title: str) -> str:
        return " ".join(title.lower().replace("-", " ").replace(":", " ").split())

    matches = [m for m in modules if norm(m[1].title) == key] or [
        m for m in modules if norm(m[1].title).startswith(key)
    ]
    titles = list(dict.fromkeys(m[1].title for m in matches))
    if len(titles) != 1:
        if titles:
            raise MentorError(f"'{target}' matches several modules: {'; '.join(titles)}; say which")
        where = f" or a module of {path.title}" if path else " (choose a path first to test out of its modules)"
        raise NotFound(f"'{target}' is neither a topic id{where}; see 'backend-mentor path show'")
    stage, module = matches[0]
    order = {t: i for i, t in enumerate(ordered_topics(catalog, path))} if path else {}
    open_ids = sorted(
        (t for t in dict.fromkeys(module.topics) if statuses.get(t) not in FINISHED and t in catalog.topics),
        key=lambda t: order.get(t, 0),
    )
    return PlacementModule(stage.level, module.title, open_ids, module_questions(catalog, open_ids))


def _is_right(question: dict[str, Any], picked: int) -> bool:
    from .review import is_correct

    return is_correct(question, picked)


# --- planning ---------------------------------------------------------------------------------


def plan(catalog: Catalog, path: LearningPath, statuses: dict[str, str], hours_per_week: float) -> Plan:
    """Weeks of study: topics in order, each week filled up to the weekly hours.

    A topic longer than what is left in a week continues into the next one.
    """

    from .results import Plan, PlanTopic, PlanWeek

    if hours_per_week <= 0:
        raise MentorError("hours per week must be more than 0")
    weeks: list[PlanWeek] = []
    topics: list[PlanTopic] = []
    hours = 0.0
    for topic_id in ordered_topics(catalog, path):
        if statuses.get(topic_id) in FINISHED or topic_id not in catalog.topics:
            continue
        topic = catalog.topics[topic_id]
        remaining = float(topic.hours)
        while remaining > 1e-9:
            room = hours_per_week - hours
            if room <= 1e-9:
                weeks.append(PlanWeek(len(weeks) + 1, hours, tuple(topics)))
                topics, hours = [], 0.0
                continue
            spent = min(room, remaining)
            topics.append(
                PlanTopic(
                    id=topic.id,
                    title=topic.title,
                    hours=round(spent, 2),
                    stage=stage_of(path, topic.id),
                    continues=remaining - spent > 1e-9,
                )
            )
            hours = round(hours + spent, 2)
            remaining -= spent
    if topics:
        weeks.append(PlanWeek(len(weeks) + 1, hours, tuple(topics)))
    return Plan(path=path.id, hours_per_week=hours_per_week, weeks=tuple(weeks), title=path.title)


# --- stats ------------------------------------------------------------------------------------


def streak(active_days: Iterable[str], today: date | None = None) -> Streak:
    """Consecutive days with activity; the current streak may end today or yesterday."""

    from .results import Streak

    days = sorted({date.fromisoformat(d) for d in active_days})
    today = today or utcnow().date()
    longest = run = 0
    previous: date | None = None
    for day in days:
        run = run + 1 if previous and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    current = 0
    if days and (today - days[-1]).days <= 1:
        current = 1
        for earlier, later in zip(reversed(days[:-1]), reversed(days[1:])):
            if later - earlier != timedelta(days=1):
                break
            current += 1
    return Streak(current=current, longest=longest, days=tuple(d.isoformat() for d in days))


def calendar(
    activity: dict[str, int], weeks: int = 12, today: date | None = None
) -> tuple[tuple[CalendarDay, ...], ...]:
    """The last ``weeks`` weeks as rows of 7 days (Monday first), each with its event count."""

    from .results import CalendarDay

    today = today or utcnow().date()
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    days = [[start + timedelta(weeks=w, days=d) for d in range(7)] for w in range(weeks)]
    return tuple(tuple(CalendarDay(day, activity.get(day.isoformat(), 0), day > today) for day in row) for row in days)


def checkpoint_summaries(store: Store) -> dict[str, CheckpointSummary]:
    """Per checkpoint attempted: passed ever, best score, attempts, last attempt time."""

    from .results import CheckpointSummary

    return {
        cid: CheckpointSummary(passed=bool(row["passed"]), best=row["best"], attempts=row["attempts"], last=row["last"])
        for cid, row in store.checkpoint_summary().items()
    }


def stats(catalog: Catalog, store: Store) -> Stats:
    from .results import CategoryCount, CheckpointCounts, LevelCount, Stats, StreakSummary, TopicCounts

    statuses = store.statuses()
    counts = {s.value: 0 for s in (TopicStatus.DONE, TopicStatus.LEARNING, TopicStatus.SKIPPED, TopicStatus.KNOWN)}
    for status in statuses.values():
        if status in counts:
            counts[status] += 1
    topics_by_category = catalog.topics_by_category()
    by_category = {}
    for cid, category in catalog.categories.items():
        ids = [t.id for t in topics_by_category.get(cid, [])]
        done = sum(statuses.get(t) == TopicStatus.DONE for t in ids)
        by_category[cid] = CategoryCount(title=category.title, topics=len(ids), done=done)
    by_level = {
        level: LevelCount(
            topics=sum(1 for t in catalog.topics.values() if t.level == level),
            done=sum(1 for t in catalog.topics.values() if t.level == level and statuses.get(t.id) == TopicStatus.DONE),
        )
        for level in LEVELS
    }
    activity = store.activity_days()
    path = active_path(catalog, store)
    checkpoints = store.checkpoint_summary()
    hours_done = sum(
        catalog.topics[t].hours for t, s in statuses.items() if s == TopicStatus.DONE and t in catalog.topics
    )
    s = streak(activity)
    return Stats(
        topics=TopicCounts(**counts, total=len(catalog.topics), hours_done=hours_done),
        by_level=by_level,
        by_category=by_category,
        path=path_summary(catalog, path, statuses) if path else None,
        checkpoints=CheckpointCounts(
            passed=sum(1 for c in checkpoints.values() if c["passed"]),
            total=len(catalog.checkpoints),
            attempted=len(checkpoints),
        ),
        streak=StreakSummary(current=s.current, longest=s.longest, active_days=len(s.days)),
        calendar=calendar(activity),
        unknown_topics=tuple(sorted(t for t in statuses if t not in catalog.topics)),
    )


def portfolio(catalog: Catalog, store: Store) -> Portfolio:
    """What the Markdown export shows: the stats, checkpoint summaries, and done topics with their dates."""

    from .results import Portfolio

    completed = {r["topic_id"]: r["completed_at"] for r in store.status_rows() if r["status"] == TopicStatus.DONE}
    return Portfolio(stats=stats(catalog, store), checkpoints=checkpoint_summaries(store), completed=completed)


DASHBOARD_COMMANDS = ("backend-mentor learn", "backend-mentor path list")


def dashboard(catalog: Catalog, store: Store) -> Dashboard:
    """The no-argument screen: your path's progress, the next lesson, streak, reviews and checkpoints."""

    from .results import CatalogSize, Dashboard, NextLesson

    path = active_path(catalog, store)
    size = CatalogSize(topics=len(catalog.topics), paths=len(catalog.paths), checkpoints=len(catalog.checkpoints))
    if path is None:
        return Dashboard(new_user=True, path=None, next=None, commands=DASHBOARD_COMMANDS, catalog=size)
    statuses = store.statuses()
    upcoming = next_topic(catalog, path, statuses)
    data = stats(catalog, store)
    commands = (
        "backend-mentor learn",
        f"backend-mentor path show {path.id}",
        "backend-mentor checkpoint list",
        "backend-mentor review",
    )
    return Dashboard(
        new_user=False,
        path=path_summary(catalog, path, statuses),
        next=NextLesson(upcoming.id, upcoming.title, upcoming.hours) if upcoming else None,
        streak=data.streak,
        reviews_due=len(due_reviews(catalog, store)),
        checkpoints=data.checkpoints,
        commands=commands,
        catalog=size,
    )


def import_progress(store: Store, file: Path) -> ImportResult:
    """Merge an exported progress file (all of it or nothing); what was added and updated."""

    from .progress import transfer
    from .results import ImportResult

    return ImportResult(file=str(file), merged=transfer.import_progress(store, file))


def estimate_weeks(hours: float, hours_per_week: float | None) -> int | None:
    if not hours_per_week:
        return None
    return max(1, math.ceil(hours / hours_per_week))


def find_topic_or_raise(catalog: Catalog, topic_id: str) -> Topic:
    topic = catalog.topics.get(topic_id)
    if topic is None:
        raise NotFound(f"unknown topic '{topic_id}'; try 'backend-mentor mentor {topic_id}'")
    return topic


# --- checkpoints ------------------------------------------------------------------------------


def checkpoint_state(summary: CheckpointSummary | None) -> str:
    """'not attempted', 'passed' or 'best 40%'."""
    if summary is None:
        return "not attempted"
    if summary.passed:
        return "passed"
    return f"best {round(100 * summary.best)}%"


def checkpoint_rows(catalog: Catalog, summaries: Mapping[str, CheckpointSummary]) -> CheckpointList:
    """Every checkpoint with its status, best score and last attempt (``summaries``: the attempted ones)."""

    from .checkpoints.registry import available
    from .results import CheckpointList, CheckpointRow

    rows = []
    for c in catalog.checkpoints.values():
        summary = summaries.get(c.id)
        rows.append(
            CheckpointRow(
                id=c.id,
                title=c.title,
                kind=c.kind,
                automatic=available(c.kind),
                status=checkpoint_state(summary),
                passed=bool(summary and summary.passed),
                best_score=summary.best if summary else None,
                attempts=summary.attempts if summary else 0,
                last_attempt=summary.last if summary else None,
            )
        )
    return CheckpointList(tuple(rows))


def checkpoint_detail(catalog: Catalog, store: Store, checkpoint_id: str) -> CheckpointDetail:
    """What a checkpoint asks for, and your attempts at it (oldest first)."""

    from .checkpoints.registry import checkpoint_checks
    from .results import CheckpointDetail

    c = catalog.checkpoint(checkpoint_id)
    checks = tuple((spec.name, spec.hint) for spec in checkpoint_checks(c.kind, c.verifier.get("params")))
    return CheckpointDetail(
        id=c.id,
        title=c.title,
        summary=c.summary,
        kind=c.kind,
        topics=tuple(c.topics),
        instructions=c.instructions,
        attempts=tuple(attempt(row) for row in store.attempts(c.id)),
        study=tuple(t for t in c.topics if t in catalog.topics),
        checks=checks,
    )


def attempt(row: Mapping[str, Any]) -> Attempt:
    """A stored attempt row as a result."""

    from .results import Attempt

    return Attempt(
        id=row["id"],
        checkpoint_id=row["checkpoint_id"],
        at=row["at"],
        passed=row["passed"],
        score=row["score"],
        manual=row["manual"],
        evidence=row["evidence"],
        report=row["report"],
        uid=row["uid"],
    )


def verify_checkpoint(catalog: Catalog, store: Store, checkpoint_id: str, **options: Any) -> VerifyResult:
    """Run a checkpoint's verifier on the learner's work and record the attempt.

    Nothing is recorded when the verifier cannot start (``VerifierInputError``: no file, a remote
    URL, nothing listening at the URL). The verdict counts passed, failed and skipped checks; a
    check skipped because the server went away or the time ran out keeps the attempt from passing.
    """
    result = run_checkpoint(catalog, store, checkpoint_id, **options)
    record_verification(store, catalog.checkpoint(checkpoint_id), result)
    return result


def run_checkpoint(catalog: Catalog, store: Store, checkpoint_id: str, **options: Any) -> VerifyResult:
    """Run a checkpoint's verifier once, without recording it (``--watch`` records only changes)."""

    from .checkpoints.base import VerifyOptions, verdict
    from .checkpoints.registry import verifier_module
    from .results import VerifyResult

    checkpoint = catalog.checkpoint(checkpoint_id)
    module = verifier_module(checkpoint.kind)
    profiles = getattr(module, "PROFILES", ())
    profile = options.get("profile")
    if profile and profile not in profiles:
        choices = f"; choose one of: {', '.join(profiles)}" if profiles else ""
        raise MentorError(f"{checkpoint.id} has no profile '{profile}'{choices}")
    options = _checkpoint_options(checkpoint, module, store, options)
    params = dict(checkpoint.verifier.get("params") or {})
    checks = module.verify(VerifyOptions(params=params, **{k: v for k, v in options.items() if v is not None}))
    result = verdict(checks)
    return VerifyResult(
        checkpoint=checkpoint.id,
        passed=result["passed"],
        score=result["score"],
        counts=result["counts"],
        language=options.get("language") or None,
        engine=options.get("engine") or None,
        checks=tuple(checks),
        title=checkpoint.title,
        kind=checkpoint.kind,
    )


def record_verification(store: Store, checkpoint: Checkpoint, result: VerifyResult) -> None:
    report = {"kind": checkpoint.kind, "counts": dict(result.counts), "checks": [c.to_dict() for c in result.checks]}
    with store.transaction() as db:
        store.record_attempt(db, checkpoint.id, result.passed, result.score, report)
        store.log(db, "checkpoint.verified", checkpoint.id, passed=result.passed, score=result.score)


def _checkpoint_options(
    checkpoint: Checkpoint, module: Any, store: Store | None, options: dict[str, Any]
) -> dict[str, Any]:
    """Refuse options the checkpoint's verifier does not understand, in one place for every kind, and
    fill in the learner's language: ``--language`` for the test-writing checkpoint (default: the
    profile's language), ``--engine``/``--dsn`` for the SQL ones."""
    options = dict(options)
    languages = getattr(module, "LANGUAGES", ())
    language = options.get("language")
    if language and not languages:
        raise MentorError(f"{checkpoint.id} has no --language option: it checks the same work in every language")
    if language and language not in languages:
        raise MentorError(f"{checkpoint.id} has no language '{language}'; choose one of: {', '.join(languages)}")
    if languages and not language:
        from .checkpoints.toolchains import language_for_profile

        profile = store.profile() if store is not None else None
        options["language"] = language_for_profile((profile or {}).get("language"))
    if options.get("python") and options.get("language") not in (None, "python"):
        raise MentorError("--python only applies to tests written in Python (--language python)")
    engines = getattr(module, "ENGINES", ())
    engine = options.get("engine")
    if engine and not engines:
        raise MentorError(f"{checkpoint.id} has no --engine option: it does not run on a database")
    if engine and engine not in engines:
        raise MentorError(f"unknown engine '{engine}'; choose one of: {', '.join(engines)}")
    if options.get("dsn") and engine != "postgres":
        raise MentorError("--dsn needs --engine postgres")
    if engine == "postgres" and not options.get("dsn"):
        raise MentorError("--engine postgres needs --dsn, e.g. --dsn postgresql://me@127.0.0.1:5432/learning")
    return options


def complete_checkpoint_manually(catalog: Catalog, store: Store, checkpoint_id: str, evidence: str) -> ManualCompletion:
    from .results import ManualCompletion

    checkpoint = catalog.checkpoint(checkpoint_id)
    if not evidence.strip():
        raise MentorError("--evidence must say what you built (a link, a commit, a short description)")
    with store.transaction() as db:
        store.record_attempt(db, checkpoint.id, True, 1.0, {"kind": "manual"}, manual=True, evidence=evidence.strip())
        store.log(db, "checkpoint.done", checkpoint.id, evidence=evidence.strip())
    return ManualCompletion(checkpoint=checkpoint.id, passed=True, manual=True, evidence=evidence.strip())


def write_starter_files(
    catalog: Catalog, checkpoint_id: str, directory: str | Path, language: str | None = None, store: Store | None = None
) -> StarterFiles:
    """Write a checkpoint's starter files into ``directory``; existing files are never overwritten.
    A checkpoint that speaks several languages writes the one asked for, else the learner's own."""

    from .checkpoints.registry import verifier_module
    from .results import StarterFiles

    checkpoint = catalog.checkpoint(checkpoint_id)
    module = verifier_module(checkpoint.kind)
    params = dict(checkpoint.verifier.get("params") or {})
    chosen = _checkpoint_options(checkpoint, module, store, {"language": language}).get("language")
    files = module.starter_files(params, chosen) if chosen else module.starter_files(params)
    target = Path(directory)
    written: list[str] = []
    kept: list[str] = []
    try:
        target.mkdir(parents=True, exist_ok=True)
        for rel, content in files.items():
            destination = target / rel
            if destination.exists():
                kept.append(rel)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            data = content.encode("utf-8") if isinstance(content, str) else content
            with open(destination, "xb") as handle:  # "x": never replace a file created meanwhile
                handle.write(data)
            written.append(rel)
    except OSError as exc:
        raise MentorError(f"cannot write starter files into {target}: {exc.strerror}") from None
    return StarterFiles(
        directory=str(target),
        written=tuple(written),
        kept=tuple(kept),
        language=chosen or None,
        checkpoint=checkpoint.id,
    )


def finished_stages(path: LearningPath, statuses: dict[str, str], passed: set[str]) -> tuple[FinishedStage, ...]:
    """Stages whose topics are all done or skipped but whose checkpoints are not all passed yet."""

    from .results import FinishedStage

    result = []
    for stage in path.stages:
        topics = stage.topic_ids
        if topics and all(statuses.get(t) in FINISHED for t in topics):
            open_checkpoints = tuple(c for c in stage.checkpoints if c not in passed)
            if open_checkpoints:
                result.append(
                    FinishedStage(level=stage.level, projects=tuple(stage.projects), checkpoints=open_checkpoints)
                )
    return tuple(result)


# --- the curriculum ---------------------------------------------------------------------------


def validate_curriculum(extra_dirs: list[Path], directory: Path | None, standalone: bool) -> Validation:
    """Load every source fully (``directory`` on top, or alone when ``standalone``) and list every problem."""

    from .curriculum.catalog import resolve_sources
    from .curriculum.loader import load_sources
    from .curriculum.sources import Source, check_source_dir
    from .results import Validation

    sources = resolve_sources(extra_dirs, include_shipped=not standalone)
    if directory is not None:
        check_source_dir(directory)
        sources.append(Source(directory.resolve()))
    loaded = load_sources(sources)
    counts = {kind: len(docs) for kind, docs in loaded.entities.items()}
    return Validation(valid=not loaded.problems, files=loaded.files, counts=counts, problems=tuple(loaded.problems))


def curriculum_info(catalog: Catalog) -> CurriculumInfo:
    """Where the curriculum was loaded from, the cache, and what it holds."""

    from . import __version__
    from .paths import cache_dir, database_path
    from .results import CacheInfo, CurriculumInfo

    return CurriculumInfo(
        version=__version__,
        sources=tuple(catalog.sources),
        counts=catalog.counts(),
        topics_by_category={cid: len(topics) for cid, topics in catalog.topics_by_category().items()},
        files=catalog.files,
        cache=CacheInfo(
            file=str(catalog.cache_file) if catalog.cache_file else None,
            directory=str(cache_dir()),
            from_cache=catalog.from_cache,
            built_at=catalog.built_at,
            fingerprint=catalog.fingerprint[:16],
        ),
        database=str(database_path()),
        category_titles={cid: c.title for cid, c in catalog.categories.items()},
    )
