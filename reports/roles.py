"""How the reports app's rows are scoped (staff.access): the scoring methodology is a catalogue."""

SCOPE = {"scoringmethodology": "*", "scoringcomponent": "*"}
