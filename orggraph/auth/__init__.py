"""Who is asking: signed bearer tokens (JWT) carrying a subject, a role and a scope."""
