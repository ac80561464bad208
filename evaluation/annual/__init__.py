"""The year: annual inputs, the agency's annual roll-up through `scoring.score_year`, and
the annual results (people and units) with every step explained."""
