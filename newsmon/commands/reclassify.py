"""`newsmon reclassify`: re-run classification over stored articles.

After the taxonomy (config/taxonomy.yaml) or the supervised model changed, stored articles
still carry the old categories, relevance, regions, organisations and keywords; this
command recomputes them from the stored title and text.
"""

from __future__ import annotations

import click

from newsmon.commands.classify import load_classifier, model_option, taxonomy_option
from newsmon.context import AppContext, pass_app
from storage.classification import NewClassification, iter_article_texts, write_classifications


@click.command("reclassify")
@click.option("--source", metavar="ID", help="Only articles of this source.")
@click.option("--batch-size", default=200, show_default=True, type=click.IntRange(1),
              help="Articles read and written per transaction.")
@click.option("--rules-only", is_flag=True, help="Ignore the supervised model.")
@taxonomy_option
@model_option
@pass_app
def command(app: AppContext, source: str | None, batch_size: int, rules_only: bool,
            taxonomy: str | None, model: str | None) -> None:
    """Re-classify stored articles (after a taxonomy or model change): categories,
    primary category, relevance, regions, organisations and keywords."""
    classifier = load_classifier(taxonomy, model, not rules_only)
    db = app.database()
    total = changed = relevant = 0
    for batch in iter_article_texts(db, batch_size, source):
        results = []
        for stored in batch:
            result = classifier.classify(stored.text, stored.title)
            results.append(NewClassification(
                article_id=stored.id,
                categories=[(name, round(score, 4)) for name, score in result.categories],
                primary_category=result.primary,
                relevance=round(result.relevance, 4),
                relevant=result.relevant,
                regions=result.regions,
                organizations=result.organizations,
                keywords=result.keywords,
            ))
            changed += result.primary != stored.primary_category
            relevant += result.relevant
        total += write_classifications(db, results)
    click.echo(f"reclassified {total} article(s): {relevant} relevant, "
               f"primary category changed for {changed}")
