"""E-mail both ways: incoming messages decided, notifications written to outbox/ and sent."""
