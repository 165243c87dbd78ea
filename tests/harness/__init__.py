"""What the tests stand on: loopback fakes of the platforms and of the services the bot calls,
and the people and things that act on the bot from outside.

- `slack`: Slack's Web API, upload URLs and response_urls (`FakeSlack`), and `SlackUser`, a
  person whose slash commands and button presses reach the bot as Slack's signed requests.
- `discord`: Discord's REST API and gateway (`FakeDiscord`), raw `INTERACTION_CREATE`
  payloads, and `DiscordUser`, a member whose `/meta` interactions reach discord.py as the
  gateway delivers them.
- `yahoo`, `llm`: Yahoo Finance for the real yfinance, a chat-completions model.
- `chat`: `Chat`, the transcript fixture's class (`/meta ...` in, what a person reads out).
- `clock`: `FakeClock`, a clock the test moves.
- `delivery`: the console delivery port and quick set-up for the scheduled-briefing tests.
- `postgres`, `discord_fixtures`: pytest fixtures (a throwaway PostgreSQL, the Discord fake).
- `bot_process`: the real bot, `python -m bot run`, as a subprocess.
"""

from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
DATA = TESTS / "data"
ROOT = TESTS.parent
