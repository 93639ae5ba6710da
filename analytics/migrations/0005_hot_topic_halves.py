"""Hot topics keep the count of the window's second half (近期) beside the volume, so pages and the
suggestion quote the plain counts of both halves; the smoothed growth is for the ranking only. The topic
suggestion link leaves the field history (the send step names it) and gets Chinese labels."""

import django.db.models.deletion
from django.db import migrations, models


def count_recent(apps, schema_editor):
    """Existing topics: count the evidence dated in the second half of their run's window."""
    HotTopic = apps.get_model("analytics", "HotTopic")
    HotTopicItem = apps.get_model("analytics", "HotTopicItem")
    for topic in HotTopic.objects.select_related("run").iterator():
        middle = topic.run.since + (topic.run.until - topic.run.since) / 2
        recent = HotTopicItem.objects.filter(topic=topic, created_at__gte=middle).count()
        HotTopic.objects.filter(pk=topic.pk).update(recent=recent)


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0004_chinese_labels"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="historicalhottopic",
            name="suggestion_id",
        ),
        migrations.RemoveField(
            model_name="historicalhottopic",
            name="suggestion_type",
        ),
        migrations.AddField(
            model_name="historicalhottopic",
            name="recent",
            field=models.PositiveIntegerField(default=0, verbose_name="近期数量"),
        ),
        migrations.AddField(
            model_name="hottopic",
            name="recent",
            field=models.PositiveIntegerField(default=0, verbose_name="近期数量"),
        ),
        migrations.AlterField(
            model_name="historicalhottopic",
            name="growth",
            field=models.FloatField(verbose_name="增长指数（排序用）"),
        ),
        migrations.AlterField(
            model_name="hottopic",
            name="growth",
            field=models.FloatField(verbose_name="增长指数（排序用）"),
        ),
        migrations.AlterField(
            model_name="hottopic",
            name="suggestion_id",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="议题建议编号"),
        ),
        migrations.AlterField(
            model_name="hottopic",
            name="suggestion_type",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="contenttypes.contenttype",
                verbose_name="议题建议类型",
            ),
        ),
        migrations.RunPython(count_recent, migrations.RunPython.noop),
    ]
