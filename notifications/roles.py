"""How the notifications app's rows are scoped (staff.access).

Notifications, preferences and profiles belong to one user, who alone sees
them (superusers see all); the reminder bookkeeping and the opt-out hashes
are not bound to a unit and are written by the system.
"""

from staff.access import GLOBAL, Own

SCOPE = {
    "notification": Own("recipient"),
    "notificationpreference": Own("user"),
    "notificationprofile": Own("user"),
    "sentreminder": GLOBAL,
    "reminderrun": GLOBAL,
    "emailoptout": GLOBAL,
}
