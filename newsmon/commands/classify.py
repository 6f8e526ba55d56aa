"""`newsmon classify`: topics, relevance, regions and organisations of a text.

    newsmon classify ARTICLE.txt          one text (or - for stdin), JSON out
    newsmon classify --jsonl ITEMS.jsonl  one JSON line per input line ({text, title, id})
    newsmon classify train LABELS.jsonl   fit the optional supervised model
    newsmon classify eval LABELS.jsonl    P/R/F1 per category and macro-F1
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

DEFAULT_MODEL = Path("var") / "classifier.joblib"
SUBCOMMANDS = ("train", "eval")


def default_model_path() -> Path:
    return Path(os.environ.get("NEWSMON_CLASSIFIER_MODEL") or DEFAULT_MODEL)


class TextOrSubcommand(click.Group):
    """`classify FILE` classifies; `classify train|eval …` runs the subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not any(a in self.commands for a in args[:1]) and not (
            args[:1] and args[0] in ("-h", "--help")
        ):
            args = ["text", *args]
        return super().parse_args(ctx, args)


def load_classifier(taxonomy: str | None, model: str | None, use_model: bool) -> Any:
    """The classifier for a command; a bad taxonomy or model file exits with its reason.
    The default model file is used only when it exists (shared with `reclassify`)."""
    from classify import Classifier, TaxonomyError
    from classify.model import ModelError

    candidate = Path(model) if model else default_model_path()
    usable = use_model and (model is not None or candidate.exists())
    model_path = candidate if usable else None
    try:
        return Classifier.load(taxonomy, model_path)
    except (TaxonomyError, ModelError) as exc:
        raise click.ClickException(str(exc)) from exc


taxonomy_option = click.option(
    "--taxonomy", metavar="FILE", envvar="NEWSMON_TAXONOMY",
    help="Taxonomy file (default: $NEWSMON_TAXONOMY or config/taxonomy.yaml).")
model_option = click.option(
    "--model", metavar="FILE", help="Supervised model file (default: "
    "$NEWSMON_CLASSIFIER_MODEL or var/classifier.joblib, used when it exists).")


@click.group("classify", cls=TextOrSubcommand)
def command() -> None:
    """Classify a text: categories, relevance, regions, organisations, keywords."""


@command.command("text", hidden=True)
@click.argument("source", type=click.File("r", encoding="utf-8"))
@click.option("--jsonl", is_flag=True, help="SOURCE holds JSON lines with text, title, id.")
@click.option("--title", help="Title of the text (weighted above the body).")
@click.option("--rules-only", is_flag=True, help="Ignore the supervised model.")
@taxonomy_option
@model_option
def classify_text(source: Any, jsonl: bool, title: str | None, rules_only: bool,
                  taxonomy: str | None, model: str | None) -> None:
    """Classify SOURCE (a text file, or - for stdin) and print JSON."""
    classifier = load_classifier(taxonomy, model, not rules_only)
    if not jsonl:
        result = classifier.classify(source.read(), title)
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            text = row["text"]
        except (json.JSONDecodeError, KeyError, TypeError):
            click.echo(f"newsmon: line {number}: needs a JSON object with `text`", err=True)
            continue
        out = {"id": row.get("id"), **classifier.classify(text, row.get("title")).as_dict()}
        click.echo(json.dumps(out, ensure_ascii=False))


@command.command("train")
@click.argument("labels", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", metavar="FILE", help="Where to save the model "
              "(default: $NEWSMON_CLASSIFIER_MODEL or var/classifier.joblib).")
@click.option("--shared", metavar="DIR", help="Folder that `source` references are relative "
              "to (default: the `shared` folder beside the repository).")
@taxonomy_option
def train_command(labels: str, out: str | None, shared: str | None, taxonomy: str | None) -> None:
    """Fit the supervised model on LABELS.jsonl and save it."""
    from classify.labels import LabelsError, load_labels
    from classify.model import ModelError, train

    classifier = load_classifier(taxonomy, None, use_model=False)
    try:
        articles = load_labels(labels, shared)
        model = train(articles, classifier)
    except (LabelsError, ModelError) as exc:
        raise click.ClickException(str(exc)) from exc
    path = Path(out) if out else default_model_path()
    model.save(path)
    trust = (f"overrides the rules above probability {model.confidence:.2f}"
             if model.confidence <= 1 else "never beat the rules in cross-validation: "
             "the rules decide, the model is kept for when more labels exist")
    click.echo(f"trained on {len(articles)} articles, {len(model.clf.classes_)} labels; "
               f"{trust}; saved {path}")


@command.command("eval")
@click.argument("labels", type=click.Path(exists=True, dir_okay=False))
@click.option("--shared", metavar="DIR", help="Folder that `source` references are relative to.")
@click.option("--folds", default=5, show_default=True,
              help="Cross-validation folds for the model when no --model is given.")
@taxonomy_option
@model_option
def eval_command(labels: str, shared: str | None, folds: int, taxonomy: str | None,
                 model: str | None) -> None:
    """Per-category precision/recall/F1 and macro-F1 of the primary label on LABELS.jsonl,
    for the rules, the model and their combination.

    Without --model the model and combination figures come from cross-validation. The
    fixed held-out split (one item in five, by id) is reported again on its own, with a
    model trained on the other items.
    """
    from classify.evaluate import evaluate
    from classify.labels import LabelsError, load_labels

    classifier = load_classifier(taxonomy, model, use_model=model is not None)
    try:
        articles = load_labels(labels, shared)
    except LabelsError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{len(articles)} labelled articles from {labels}"
               + ("" if model else f"; model figures from {folds}-fold cross-validation"))
    for report in evaluate(classifier, articles, folds, model=classifier.model):
        click.echo("\n".join(report.lines()))
    sys.stdout.flush()
