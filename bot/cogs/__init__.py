"""Discord glue: each cog parses an interaction, calls bot.replies, and sends the reply."""
