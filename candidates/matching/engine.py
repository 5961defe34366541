"""The matching engine: every candidate against every vacancy with matrix operations.

Pure: no database, no HTTP, deterministic (same facts, same day, same rules and weights:
same scores and the same order; ties go to the lower id).

A score is the weighted mean of the components that apply to the pair (see
``candidates/data/matching.toml`` and ``features.py``); a component that does not apply
is left out of the mean (weight 0 in the explanation), but the mean is never taken over
less than ``scoring.min_known_share`` of the total weight, so a pair the portal knows
little about cannot score high on the little it knows. A required language the
candidate lacks (below B2, or below the level asked when that is lower) makes the
languages component 0 *and* caps the whole score at ``languages.cap``: the post cannot
be done without it. Citizenship and year of birth are not read by any component; they
enter eligibility only (``candidates.eligibility``), which is reported beside the score.

Scoring one vacancy against all candidates (or one candidate against all vacancies) is
the same block computation with one column (row); only the rows returned get their
explanation (``explain.py``). :meth:`MatchIndex.all_top` walks the candidates in blocks
and keeps each side's best ``k`` as it goes, so memory stays bounded.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import numpy as np
from scipy import sparse

from candidates import eligibility as elig
from candidates.matching import features as feat
from candidates.matching.config import Weights, load_weights
from candidates.matching.models import (
    COMPONENTS,
    CandidateFacts,
    CandidateFilters,
    Match,
    VacancyFacts,
    VacancyFilters,
)
from candidates.matching.text import TextModel
from candidates.profile_models import CEFR_ORDER
from vacancies.regions import area, countries_in

BLOCK = 256
"""Candidates scored at once by :meth:`MatchIndex.all_top` (10,000 vacancies: 10 MB per
float32 component, 8 components, two blocks in flight): bounds the recompute's memory;
larger blocks were no faster."""
THREADS = 2
DENSE_TERMS = 2048
"""Most common text terms multiplied densely in the bulk path (10,000 vacancies: 80 MB)."""
DENSE_MIN_SHARE = 0.01
"""Only terms in at least this share of vacancies are worth the dense product."""
"""Blocks scored at once by :meth:`MatchIndex.all_top`."""
ELIGIBLE_BONUS = 2.0
"""Added to the score for ordering: eligible pairs come before ineligible ones."""
ROUND = 4
_AT = {name: k for k, name in enumerate(COMPONENTS)}


class TopPairs(NamedTuple):
    """Pairs chosen by :meth:`MatchIndex.top_arrays` (positions in the index)."""

    rows: np.ndarray
    cols: np.ndarray
    keys: np.ndarray
    """Score + ELIGIBLE_BONUS when eligible."""
    parts: np.ndarray
    """(components, pairs)."""

    @property
    def size(self) -> int:
        return len(self.rows)


class BulkText:
    """The text product for blocks of candidates against every vacancy, split in two:
    the terms most vacancies use (at most ``DENSE_TERMS``) as a dense matrix multiplied
    with BLAS, the rest as sparse matrices. Same sums as the plain sparse product, in a
    different order (float32: equal to about 1e-6, far below the 4 decimals shown);
    for a few rows the sparse product alone is faster, so queries do not use this."""

    def __init__(self, c_dense, v_dense_t, c_rest, v_rest_t) -> None:
        self.c_dense, self.v_dense_t = c_dense, v_dense_t
        self.c_rest, self.v_rest_t = c_rest, v_rest_t

    @classmethod
    def of(cls, c_text: sparse.csr_matrix, v_text: sparse.csr_matrix) -> BulkText:
        df = np.bincount(v_text.indices, minlength=v_text.shape[1])
        order = np.argsort(-df, kind="stable")
        common = order[: min(DENSE_TERMS, int((df >= DENSE_MIN_SHARE * v_text.shape[0]).sum()))]
        rest = np.setdiff1d(np.arange(v_text.shape[1]), common)
        return cls(
            c_text[:, common].tocsr(),
            np.ascontiguousarray(v_text[:, common].T.toarray(), dtype=np.float32),
            c_text[:, rest].tocsr(),
            v_text[:, rest].T.tocsr(),
        )

    def cosine(self, rows) -> np.ndarray:
        out = _dense(self.c_rest[rows] @ self.v_rest_t).astype(np.float32, copy=False)
        if self.v_dense_t.shape[0]:
            out += self.c_dense[rows].toarray() @ self.v_dense_t
        return out


class Scored(NamedTuple):
    """One stored row: ids, the score, eligibility and the components that apply."""

    candidate_id: int
    vacancy_id: int
    score: float
    eligible: bool
    components: dict[str, float]


@dataclass
class Block:
    total: np.ndarray
    """(rows, cols) float32."""
    parts: np.ndarray
    """(components, rows, cols) float32; 0 where a component does not apply."""
    eligible: np.ndarray
    language_fail: np.ndarray


class MatchIndex:
    """Candidates and vacancies prepared for scoring. Build once, query many times."""

    def __init__(
        self,
        candidates: Sequence[CandidateFacts],
        vacancies: Sequence[VacancyFacts],
        today: date,
        rules: elig.Rules,
        weights: Weights,
    ) -> None:
        self.today = today
        self.rules = rules
        self.weights = weights
        self.candidates = list(candidates)
        self.vacancies = list(vacancies)
        self.cand_pos = {c.id: i for i, c in enumerate(self.candidates)}
        self.vac_pos = {v.id: i for i, v in enumerate(self.vacancies)}
        if len(self.cand_pos) != len(self.candidates) or len(self.vac_pos) != len(self.vacancies):
            raise ValueError("candidate and vacancy ids must be unique")
        self.vocab = feat.build_vocab(self.candidates, self.vacancies)
        self.v = feat.vacancy_features(self.vacancies, self.vocab, weights, COMPONENTS)
        self.c = feat.candidate_features(self.candidates, self.vocab, COMPONENTS)
        self._tables()
        self._text()
        self._eligibility()
        w = np.array([weights.weight(name) for name in COMPONENTS], dtype=np.float32)
        self.w = w
        self.vac_applies = self.v.applies.T.astype(np.float32)
        self.min_weight = np.float32(weights.scoring.get("min_known_share", 0) * w.sum())
        """The mean's smallest denominator: a pair of which little is known cannot reach
        a high score on the little there is."""
        self._candidate_weights()

    def _candidate_weights(self) -> None:
        self.cand_weighted = (self.c.applies.T * self.w).astype(np.float32)
        """(candidates, components): weight where the candidate side lets it apply."""
        count = self.c.stated.sum(axis=1)
        self.pref_scale = np.where(count > 0, 1 / np.maximum(count, 1), 0).astype(np.float32)
        """1 / the number of kinds of preference a candidate stated (0 for none)."""

    def with_candidates(
        self, changed: Sequence[CandidateFacts], removed: Iterable[int] = ()
    ) -> MatchIndex:
        """A new index with ``changed`` candidates added or replaced and ``removed`` ones
        left out; everything of the vacancies (features, text model, rules) is shared, so
        one changed profile costs milliseconds, not a rebuild. Scores are those of a
        fresh build over the same facts (the text model is fitted on vacancies only)."""
        new = copy.copy(self)
        drop = {c.id for c in changed} | set(removed)
        keep = np.array(
            [i for i, c in enumerate(self.candidates) if c.id not in drop], dtype=np.int64
        )
        sub = feat.candidate_features(changed, self.vocab, COMPONENTS)
        sub_text = self.text_model.transform([_candidate_text(c) for c in changed])
        sub.applies[_AT["text"]] = np.diff(sub_text.indptr) > 0
        new.candidates = [self.candidates[i] for i in keep] + list(changed)
        new.cand_pos = {c.id: i for i, c in enumerate(new.candidates)}
        if len(new.cand_pos) != len(new.candidates):
            raise ValueError("candidate ids must be unique")
        new.c = feat.stack_candidates(self.c, keep, sub)
        new.c_text = sparse.vstack([self.c_text[keep], sub_text]).tocsr()
        score, fail = feat.language_table(sub, self.v.languages, self.weights)
        new.lang_score = np.concatenate([self.lang_score[keep], score])
        new.lang_fail = np.concatenate([self.lang_fail[keep], fail])
        education = feat.education_table(sub, self.v.education, self.weights)
        new.edu_level = np.concatenate([self.edu_level[keep], education])
        experience = feat.experience_table(sub, self.v.experience, self.weights)
        new.exp_score = np.concatenate([self.exp_score[keep], experience])
        new.c_fail = sparse.vstack([self.c_fail[keep], self._fails(changed)]).tocsr()
        new._candidate_weights()
        return new

    @classmethod
    def build(
        cls,
        candidates: Sequence[CandidateFacts],
        vacancies: Sequence[VacancyFacts],
        *,
        today: date,
        rules: elig.Rules | None = None,
        weights: Weights | None = None,
    ) -> MatchIndex:
        return cls(
            candidates, vacancies, today, rules or elig.load_rules(), weights or load_weights()
        )

    # --- Building ------------------------------------------------------------------------

    def _tables(self) -> None:
        self.lang_score, self.lang_fail = feat.language_table(
            self.c, self.v.languages, self.weights
        )
        self.edu_level = feat.education_table(self.c, self.v.education, self.weights)
        self.exp_score = feat.experience_table(self.c, self.v.experience, self.weights)
        self.field_share = np.float32(self.weights.education.get("field_share", 0.25))

    def _text(self) -> None:
        cfg = self.weights.text
        self.text_model = TextModel(
            [f"{v.title}\n{v.title}\n{v.description}" for v in self.vacancies],
            min_df=int(cfg.get("min_df", 2)),
            max_df=float(cfg.get("max_df", 0.5)),
        )
        self.c_text = self.text_model.transform([_candidate_text(c) for c in self.candidates])
        self.v_text = self.text_model.vacancies
        self.saturation = np.float32(cfg.get("saturation", 0.35))
        self.c.applies[_AT["text"]] = np.diff(self.c_text.indptr) > 0
        self.v.applies[_AT["text"]] = np.diff(self.v_text.indptr) > 0

    def _eligibility(self) -> None:
        specs: dict[elig.RuleSpec, int] = {}
        rows: list[dict[int, float]] = []
        self.vac_specs: list[tuple[elig.RuleSpec, ...]] = []
        for v in self.vacancies:
            mine = elig.rule_specs(v, self.rules, today=self.today)
            self.vac_specs.append(mine)
            rows.append({specs.setdefault(s, len(specs)): 1.0 for s in mine if s.hard})
        self.specs = specs
        self.c_fail = self._fails(self.candidates)
        self.v_specs = feat._csr(rows, len(specs))

    def _fails(self, candidates: Sequence[CandidateFacts]) -> sparse.csr_matrix:
        """(candidates, hard checks): 1 where the candidate fails the check."""
        arrays = elig.CandidateArrays.of([c.profile for c in candidates])
        fails = np.zeros((len(candidates), len(self.specs)), dtype=np.float32)
        for spec, col in self.specs.items():
            fails[:, col] = elig.status_vector(spec, arrays) == elig.FAIL
        return sparse.csr_matrix(fails)

    # --- Scoring -------------------------------------------------------------------------

    def score_block(self, rows, cols, *, bulk: BulkText | None = None) -> Block:
        """Every component for candidates ``rows`` x vacancies ``cols`` (slices or index
        arrays). ``bulk``: the text split for scoring every vacancy at once."""
        c, v = self.c, self.v
        nr = len(self.c.ids[rows])
        nc = len(self.v.ids[cols])
        parts = np.zeros((len(COMPONENTS), nr, nc), dtype=np.float32)
        parts[_AT["required_skills"]] = _dense(c.skills[rows] @ v.skills_required[cols].T)
        parts[_AT["desirable_skills"]] = _dense(c.skills[rows] @ v.skills_desirable[cols].T)
        lang_groups = v.languages.of[cols]
        parts[_AT["languages"]] = self.lang_score[rows][:, lang_groups]
        language_fail = self.lang_fail[rows][:, lang_groups]
        level = self.edu_level[rows][:, v.education.of[cols]]
        matched = _dense(c.fields[rows] @ v.fields[cols].T) > 0
        share = self.field_share * v.has_fields[cols].astype(np.float32)
        parts[_AT["education"]] = level * (1 - share) + share * matched
        parts[_AT["experience"]] = self.exp_score[rows][:, v.experience.of[cols]]
        parts[_AT["job_family"]] = np.minimum(1, c.families[rows] @ v.families[cols].T)
        parts[_AT["preferences"]] = self._preferences(rows, cols)
        if bulk is None:
            cosine = _dense(self.c_text[rows] @ self.v_text[cols].T)
        else:
            cosine = bulk.cosine(rows)
        parts[_AT["text"]] = np.minimum(1, cosine / self.saturation)
        weights = self.cand_weighted[rows] @ self.vac_applies[cols].T
        total = np.zeros((nr, nc), dtype=np.float32)
        for k in range(len(COMPONENTS)):
            total += self.w[k] * parts[k]
        known = weights > 0
        np.maximum(weights, self.min_weight, out=weights)
        np.divide(total, weights, out=total, where=known)
        total[~known] = 0
        cap = np.float32(self.weights.languages["cap"])
        np.minimum(total, cap, out=total, where=language_fail)
        fails = _dense(self.c_fail[rows] @ self.v_specs[cols].T) > 0
        return Block(total=total, parts=parts, eligible=~fails, language_fail=language_fail)

    def _preferences(self, rows, cols) -> np.ndarray:
        c, v = self.c, self.v
        out = _dense(c.preferences[rows] @ v.preferences[cols].T).astype(np.float32, copy=False)
        out += c.stated[rows] @ (0.5 * v.preference_unknown[cols]).T
        out *= self.pref_scale[rows][:, None]
        return out

    # --- Queries -------------------------------------------------------------------------

    def top_vacancies(
        self, candidate_id: int, n: int = 20, *, filters: VacancyFilters | None = None
    ) -> list[Match]:
        """A candidate's best vacancies: eligible ones by score; ineligible ones only
        with ``filters.include_ineligible``, after the eligible ones."""
        filters = filters or VacancyFilters()
        row = self._cand(candidate_id)
        block = self.score_block(slice(row, row + 1), slice(None))
        total, eligible = block.total[0], block.eligible[0]
        key = total + ELIGIBLE_BONUS * eligible
        keep = self._vacancy_mask(filters)
        if not filters.include_ineligible:
            keep &= eligible
        picked = _top(np.where(keep, key, -np.inf), n, self.v.ids)
        return [self._match(block, 0, col, row, col) for col in picked]

    def top_candidates(
        self, vacancy_id: int, n: int = 20, *, filters: CandidateFilters | None = None
    ) -> list[Match]:
        """A vacancy's best candidates: eligible ones first by score, then ineligible
        ones by score (dropped only with ``filters.eligible_only``)."""
        return self.top_candidates_among(vacancy_id, n, filters=filters)

    def top_candidates_among(
        self,
        vacancy_id: int,
        n: int = 20,
        *,
        filters: CandidateFilters | None = None,
        allowed: np.ndarray | None = None,
    ) -> list[Match]:
        """:meth:`top_candidates` among the candidates where ``allowed`` (bool per
        candidate, in index order) is true: the service passes who staff may see."""
        filters = filters or CandidateFilters()
        col = self._vac(vacancy_id)
        block = self.score_block(slice(None), slice(col, col + 1))
        total, eligible = block.total[:, 0], block.eligible[:, 0]
        keep = self._candidate_mask(filters) & (total >= filters.min_score)
        if allowed is not None:
            keep &= allowed
        if filters.eligible_only:
            keep &= eligible
        key = total + ELIGIBLE_BONUS * eligible
        picked = _top(np.where(keep, key, -np.inf), n, self.c.ids)
        return [self._match(block, row, 0, row, col) for row in picked]

    def pair(self, candidate_id: int, vacancy_id: int) -> Match:
        row, col = self._cand(candidate_id), self._vac(vacancy_id)
        block = self.score_block(slice(row, row + 1), slice(col, col + 1))
        return self._match(block, 0, 0, row, col)

    def candidate_ids(self) -> np.ndarray:
        return self.c.ids

    def _cand(self, candidate_id: int) -> int:
        try:
            return self.cand_pos[candidate_id]
        except KeyError:
            raise LookupError(f"no candidate {candidate_id} in the index") from None

    def _vac(self, vacancy_id: int) -> int:
        try:
            return self.vac_pos[vacancy_id]
        except KeyError:
            raise LookupError(f"no open vacancy {vacancy_id} in the index") from None

    def _vacancy_mask(self, f: VacancyFilters) -> np.ndarray:
        v = self.v
        keep = np.ones(len(v.ids), dtype=bool)
        if f.organizations:
            keep &= np.isin(v.organization, [o.upper() for o in f.organizations])
        if f.grades:
            keep &= np.isin(v.grade, f.grades)
        places = {c.upper() for c in f.countries}
        unknown = [slug for slug in f.regions if area(slug) is None]
        if unknown:
            raise ValueError(f"unknown region(s): {', '.join(unknown)}")
        if f.regions:
            places |= set(countries_in(list(f.regions)))
        if places:
            keep &= np.isin(v.country, sorted(places))
        if f.jpo_only:
            keep &= v.is_jpo
        return keep

    def _candidate_mask(self, f: CandidateFilters) -> np.ndarray:
        keep = np.ones(len(self.c.ids), dtype=bool)
        for code in f.languages:
            col = self.vocab.languages.get(feat.language_code(code))
            if col is None:
                return np.zeros_like(keep)
            keep &= self.c.languages[:, col] >= CEFR_ORDER["B2"]
        if f.citizenships:
            wanted = {code.upper() for code in f.citizenships}
            keep &= np.array(
                [bool(wanted & set(c.profile.citizenships)) for c in self.candidates], dtype=bool
            )
        return keep

    def _match(self, block: Block, i: int, j: int, row: int, col: int) -> Match:
        from candidates.matching.explain import explain

        candidate, vacancy = self.candidates[row], self.vacancies[col]
        applies = self.c.applies[:, row] & self.v.applies[:, col]
        scores = {name: float(block.parts[k, i, j]) for k, name in enumerate(COMPONENTS)}
        components = explain(
            self,
            candidate,
            vacancy,
            scores,
            {name: bool(applies[k]) for k, name in enumerate(COMPONENTS)},
            language_fail=bool(block.language_fail[i, j]),
        )
        eligibility = elig.eligibility_of(candidate.profile, self.vac_specs[col])
        return Match(
            candidate_id=candidate.id,
            vacancy_id=vacancy.id,
            score=_clip(block.total[i, j]),
            components=components,
            eligibility=eligibility,
        )

    # --- Everything at once --------------------------------------------------------------

    def all_top(self, k: int, *, threads: int = THREADS) -> Iterator[Scored]:
        """Each candidate's best ``k`` vacancies and each vacancy's best ``k`` candidates
        (eligible first, then by score), every pair once, in (candidate, vacancy) order."""
        yield from self.rows(self.top_arrays(k, threads=threads))

    def top_arrays(self, k: int, *, threads: int = THREADS) -> TopPairs:
        """What :meth:`all_top` yields, as arrays (the bulk path: no object per row).

        Blocks of candidates are scored by ``threads`` workers (numpy and scipy release
        the GIL in the products); each block is reduced at once to its rows' best ``k``
        and its columns' best ``k``, and the columns' lists are merged in block order, so
        the result does not depend on the threads."""
        n_c, n_v = len(self.c.ids), len(self.v.ids)
        if not n_c or not n_v:
            empty = np.zeros(0, dtype=np.int64)
            return TopPairs(empty, empty, np.zeros(0), np.zeros((len(COMPONENTS), 0)))
        k_v, k_c = min(k, n_v), min(k, n_c)
        starts = range(0, n_c, BLOCK)
        cand: list[tuple] = []
        best = (
            np.zeros((0, n_v), dtype=np.float64),
            np.zeros((0, n_v), dtype=np.int64),
            np.zeros((len(COMPONENTS), 0, n_v), dtype=np.float32),
        )
        with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
            bulk = BulkText.of(self.c_text, self.v_text)
            reduced = pool.map(lambda start: self._reduce_block(start, k_v, k_c, bulk), starts)
            for rows_side, cols_side in reduced:
                cand.append(rows_side)
                best = _merge(best, cols_side, k_c)
        best_key, best_row, best_parts = best
        rows = np.concatenate([*(c[0] for c in cand), best_row.ravel()])
        cols = np.concatenate([*(c[1] for c in cand), np.tile(np.arange(n_v), best_key.shape[0])])
        keys = np.concatenate([*(c[2] for c in cand), best_key.ravel()])
        parts = np.concatenate(
            [*(c[3] for c in cand), best_parts.reshape(len(COMPONENTS), -1)], axis=1
        )
        codes = rows * n_v + cols
        _, first = np.unique(codes, return_index=True)
        return TopPairs(rows[first], cols[first], keys[first], parts[:, first])

    def rows(self, top: TopPairs, start: int = 0, stop: int | None = None) -> Iterator[Scored]:
        """Rows ``start:stop`` of ``top`` as :class:`Scored`."""
        cut = slice(start, stop)
        yield from self._rows(top.rows[cut], top.cols[cut], top.keys[cut], top.parts[:, cut])

    def records(self, top: TopPairs, start: int, stop: int, now) -> list[tuple]:
        """Rows ``start:stop`` of ``top`` as ``candidate_match`` records: (user, vacancy,
        score, eligible, components as JSON text, computed_at)."""
        dumps = json.dumps
        return [
            (r.candidate_id, r.vacancy_id, r.score, r.eligible, dumps(r.components), now)
            for r in self.rows(top, start, stop)
        ]

    def _reduce_block(
        self, start: int, k_v: int, k_c: int, bulk: BulkText | None
    ) -> tuple[tuple, tuple]:
        """One block's rows' best ``k_v`` and columns' best ``k_c`` (key, index, parts)."""
        stop = min(len(self.c.ids), start + BLOCK)
        block = self.score_block(slice(start, stop), slice(None), bulk=bulk)
        # float64: the float32 score comes back exactly when the bonus is taken off
        key = block.total.astype(np.float64) + ELIGIBLE_BONUS * block.eligible
        del block.total
        # rows: best k_v columns of each
        top = np.argpartition(-key, k_v - 1, axis=1)[:, :k_v] if k_v < key.shape[1] else None
        if top is None:
            top = np.broadcast_to(np.arange(key.shape[1]), key.shape)
        local = np.repeat(np.arange(stop - start), top.shape[1])
        cols = top.ravel()
        rows_side = (local + start, cols, key[local, cols], block.parts[:, local, cols])
        # columns: best k_c rows of each
        if k_c < key.shape[0]:
            keep = np.argpartition(-key, k_c - 1, axis=0)[:k_c]
        else:
            keep = np.broadcast_to(np.arange(key.shape[0])[:, None], key.shape)
        cols_side = (
            np.take_along_axis(key, keep, axis=0),
            keep + start,
            np.take_along_axis(block.parts, keep[None], axis=1),
        )
        return rows_side, cols_side

    def candidate_rows(self, candidate_id: int, k: int) -> list[Scored]:
        """One candidate's best ``k`` vacancies as stored rows (eligible first)."""
        row = self._cand(candidate_id)
        block = self.score_block(slice(row, row + 1), slice(None))
        key = (block.total.astype(np.float64) + ELIGIBLE_BONUS * block.eligible)[0]
        cols = np.asarray(_top(key, k, self.v.ids), dtype=np.int64)
        rows = np.full(len(cols), row, dtype=np.int64)
        return list(self._rows(rows, cols, key[cols], block.parts[:, 0, cols]))

    def _rows(self, rows, cols, keys, parts) -> Iterator[Scored]:
        eligible = keys >= ELIGIBLE_BONUS - 1
        scores = np.clip(keys - ELIGIBLE_BONUS * eligible, 0, 1).astype(np.float64).round(ROUND)
        applies = self.c.applies[:, rows] & self.v.applies[:, cols]
        values = np.clip(parts, 0, 1).astype(np.float64).round(ROUND)
        c_ids, v_ids = self.c.ids[rows].tolist(), self.v.ids[cols].tolist()
        names = COMPONENTS
        for i, (cid, vid, score, ok) in enumerate(
            zip(c_ids, v_ids, scores.tolist(), eligible.tolist(), strict=True)
        ):
            mask = applies[:, i]
            column = values[:, i]
            yield Scored(
                cid,
                vid,
                score,
                ok,
                {names[k]: float(column[k]) for k in range(len(names)) if mask[k]},
            )


def _candidate_text(candidate: CandidateFacts) -> str:
    return f"{candidate.profile.summary}\n{candidate.cv_text}"


def _merge(best: tuple, new: tuple, k: int) -> tuple:
    """The best ``k`` per column of two (key, row, parts) lists."""
    key = np.concatenate([best[0], new[0]])
    row = np.concatenate([best[1], new[1]])
    parts = np.concatenate([best[2], new[2]], axis=1)
    if key.shape[0] <= k:
        return key, row, parts
    keep = np.argpartition(-key, k - 1, axis=0)[:k]
    return (
        np.take_along_axis(key, keep, axis=0),
        np.take_along_axis(row, keep, axis=0),
        np.take_along_axis(parts, keep[None], axis=1),
    )


def _dense(matrix) -> np.ndarray:
    if sparse.issparse(matrix):
        return matrix.toarray()
    return np.asarray(matrix)


def _clip(value) -> float:
    return round(min(1.0, max(0.0, float(value))), ROUND)


def _top(keys: np.ndarray, n: int, ids: np.ndarray) -> list[int]:
    """Positions of the ``n`` highest finite keys, ties to the lower id, exactly."""
    finite = np.isfinite(keys)
    count = int(finite.sum())
    n = min(n, count)
    if n <= 0:
        return []
    rounded = np.round(keys, ROUND)
    if n < count:
        threshold = np.partition(np.where(finite, rounded, -np.inf), -n)[-n]
        candidates = np.flatnonzero(finite & (rounded >= threshold))
    else:
        candidates = np.flatnonzero(finite)
    order = np.lexsort((ids[candidates], -rounded[candidates]))
    return candidates[order[:n]].tolist()
