"""The compliance report's figures: plain functions over a snapshot, a policy and a day.

They read the same rule functions the nightly findings come from (`next_supervision_due`,
`next_discussion_due`, the working calendar), evaluated on the day and at each month end, so a
figure on the page and a finding in the JSON never disagree about who is overdue.
"""
