"""The FAQ bot: knowledge files, the matcher, the policy, and the responder."""
