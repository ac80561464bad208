"""Personnel consequences of weak annual results: the agency's rule (`check`, pure), the
personnel board's report of reappointments and rotations due (`selectors`, `reports`),
proposals to appoint or rotate someone and edits of the rule (`services`), their pages
(`views`, `forms`). The models are `evaluation.annual.personnel_models`."""
