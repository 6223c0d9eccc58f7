"""One word per thing: a resident's report is a Report (with its ReportEvent timeline and ReportPhoto photos),
no longer Feedback. Renames only: tables, columns and relations keep their rows; the audit trail's object type
follows, so a report's history reads as one."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0008_national_holidays_from_the_package"),
        ("groups", "0003_ward_position"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("portal", "0003_vietnamese_collation"),
    ]

    operations = [
        migrations.RenameModel("Feedback", "Report"),
        migrations.RenameModel("FeedbackPhoto", "ReportPhoto"),
        migrations.RenameModel("FeedbackEvent", "ReportEvent"),
        migrations.RenameField("reportphoto", "feedback", "report"),
        # The timeline's index names the column: dropped around the rename and made again, as SQLite remakes the
        # whole table to rename a column and would otherwise look for the old name.
        migrations.RemoveIndex(model_name="reportevent", name="feedback_fe_feedbac_3bdfff_idx"),
        migrations.RenameField("reportevent", "feedback", "report"),
        migrations.AddIndex(
            model_name="reportevent",
            index=models.Index(fields=["report", "created_at"], name="feedback_fe_feedbac_3bdfff_idx"),
        ),
        migrations.AlterField(
            model_name="report",
            name="group",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="reports",
                to="groups.residentialgroup",
                verbose_name="residential group",
            ),
        ),
        migrations.AlterField(
            model_name="report",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="reports",
                to="feedback.unit",
                verbose_name="unit",
            ),
        ),
        migrations.AlterField(
            model_name="report",
            name="ward",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reports",
                to="groups.ward",
                verbose_name="ward",
            ),
        ),
        migrations.AlterField(
            model_name="unit",
            name="members",
            field=models.ManyToManyField(blank=True, related_name="report_units", to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunSQL(
            [
                "UPDATE portal_auditevent SET object_type = 'feedback.report' WHERE object_type = 'feedback.feedback'",
                "UPDATE portal_auditevent SET object_type = 'feedback.reportevent'"
                " WHERE object_type = 'feedback.feedbackevent'",
            ],
            [
                "UPDATE portal_auditevent SET object_type = 'feedback.feedback' WHERE object_type = 'feedback.report'",
                "UPDATE portal_auditevent SET object_type = 'feedback.feedbackevent'"
                " WHERE object_type = 'feedback.reportevent'",
            ],
        ),
    ]
