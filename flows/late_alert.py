"""The alert that needs no worker: Prefect's server itself posts to the operators' webhook when
a council's night is Late, that is when it has not started by its time, because no worker is
up (or the only one is stuck). The `alert` deployment cannot do this: it runs on a worker too,
so with every worker down it would wait, Late itself, until one came back.

`oversight late-alert URL` (or `OVERSIGHT_OPERATORS_WEBHOOK`) installs it: a Custom Webhook
notification block holding the URL as a secret (a Teams Workflows URL, which takes an Adaptive
Card), and one automation whose action, `send-notification`, the server runs. Installing again
replaces both. The message names the council's deployment and the night's time in London.
"""

from __future__ import annotations

from typing import Any

from flows.alert import NIGHTLY

BLOCK = "oversight-operators-webhook"
AUTOMATION = "oversight-night-late-no-worker"
SUBJECT = "Oversight: the night for {{ deployment.name }} has not started"
# The server renders this with the run. Prefect's templates have no time-zone filter: the time is
# the server's local time, which its unit sets to London (`TZ=Europe/London`).
BODY = (
    "Oversight's nightly run for {{ deployment.name }} ({{ flow_run.name }}) was due at "
    "{{ flow_run.expected_start_time.astimezone().strftime('%Y-%m-%d %H:%M %Z') }} and has not "
    "started: no worker of its pool is running. Reminders will not go out until one is started."
    "{% set link = flow_run|ui_url %}{% if link %} See {{ link }}{% endif %}"
)


def teams_card() -> dict[str, Any]:
    """What Teams Workflows ("when a webhook request is received") take: an Adaptive Card."""
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "content": {
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [
                        {"type": "TextBlock", "text": "{{subject}}", "weight": "Bolder", "wrap": True},
                        {"type": "TextBlock", "text": "{{body}}", "wrap": True},
                    ],
                },
            }
        ],
    }


def install_late_alert(webhook_url: str) -> str:
    """Save the webhook block and (re)create the automation; returns the automation's id."""
    from prefect.automations import Automation
    from prefect.blocks.notifications import CustomWebhookNotificationBlock
    from prefect.client.orchestration import get_client
    from prefect.events.actions import SendNotification
    from prefect.events.schemas.automations import EventTrigger, Posture

    block = CustomWebhookNotificationBlock(
        name="Oversight operators",
        url="{{webhook}}",
        json_data=teams_card(),
        secrets={"webhook": webhook_url},
    )
    block_id = block.save(BLOCK, overwrite=True)
    with get_client(sync_client=True) as client:
        for existing in client.read_automations_by_name(name=AUTOMATION):
            client.delete_automation(existing.id)
    automation = Automation(
        name=AUTOMATION,
        description="A council's nightly run is Late: no worker started it (sent by the server)",
        trigger=EventTrigger(
            match={"prefect.resource.id": "prefect.flow-run.*"},
            match_related={"prefect.resource.role": "flow", "prefect.resource.name": NIGHTLY},
            expect={"prefect.flow-run.Late"},
            posture=Posture.Reactive,
            threshold=1,
        ),
        actions=[SendNotification(block_document_id=block_id, subject=SUBJECT, body=BODY)],
    ).create()
    return str(automation.id)
