// Checkpoint notes: the text format, the log's signature, a witness's cosignature, and refusal
// of anything altered or signed by another key.

#include <bronpoort/processing_log/signed_note.hpp>

#include <gtest/gtest.h>

#include <filesystem>

namespace bronpoort::processing_log {
namespace {

std::filesystem::path key(const char* name) {
  return std::filesystem::path(BRONPOORT_SOURCE_DIR) / "config" / "keys" / name;
}

std::unique_ptr<NoteSigner> signer(const char* file, const std::string& name) {
  std::string error;
  auto s = NoteSigner::from_pem_file(key(file), name, error);
  EXPECT_TRUE(s) << error;
  return s;
}

std::unique_ptr<NoteVerifier> verifier(const NoteSigner& s, const std::string& name) {
  std::string error;
  auto v = NoteVerifier::from_pem(s.public_key_pem(), name, error);
  EXPECT_TRUE(v) << error;
  return v;
}

TreeCheckpoint sample() {
  return {"bronpoort.local/processing-log/gateway-1", 42, merkle::leaf_hash("x")};
}

TEST(SignedNote, CheckpointTextHasOriginSizeAndBase64Root) {
  auto cp = sample();
  EXPECT_EQ(cp.text(),
            "bronpoort.local/processing-log/gateway-1\n42\n" + merkle::to_base64(cp.root) + "\n");
  auto parsed = TreeCheckpoint::parse(cp.text());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->origin, cp.origin);
  EXPECT_EQ(parsed->size, 42u);
  EXPECT_EQ(parsed->root, cp.root);
  EXPECT_FALSE(TreeCheckpoint::parse("o\n042\n" + merkle::to_base64(cp.root) + "\n"));
  EXPECT_FALSE(TreeCheckpoint::parse("o\n42\nnot-a-hash\n"));
  EXPECT_FALSE(TreeCheckpoint::parse("o\n42\n"));
}

TEST(SignedNote, LogSignatureVerifiesAndSurvivesTheTextForm) {
  auto log = signer("demo-log-checkpoint-ed25519.pem", "bronpoort.local/processing-log");
  auto text = sample().text();
  SignedNote note{text, {log->sign(text)}};
  auto serialised = note.to_string();
  EXPECT_NE(serialised.find("\n\n\xE2\x80\x94 bronpoort.local/processing-log "), std::string::npos);
  auto parsed = SignedNote::parse(serialised);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->text, text);
  EXPECT_TRUE(verifier(*log, "bronpoort.local/processing-log")->verify(*parsed));
  // Another name for the same key, or an altered text, does not verify.
  EXPECT_FALSE(verifier(*log, "someone-else")->verify(*parsed));
  auto altered = *parsed;
  altered.text[altered.text.find("42")] = '5';
  EXPECT_FALSE(verifier(*log, "bronpoort.local/processing-log")->verify(altered));
}

TEST(SignedNote, WitnessCosignatureCarriesItsTime) {
  auto log = signer("demo-log-checkpoint-ed25519.pem", "bronpoort.local/processing-log");
  auto witness = signer("demo-witness-ed25519.pem", "witness.local/w1");
  auto text = sample().text();
  SignedNote note{text, {log->sign(text)}};
  note.signatures.push_back(witness->cosign(text, 1764000000));
  auto parsed = SignedNote::parse(note.to_string());
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->signatures.size(), 2u);
  auto w = verifier(*witness, "witness.local/w1");
  EXPECT_EQ(w->verify_cosignature(*parsed), std::optional<std::uint64_t>(1764000000));
  // A cosignature is not a log signature, and the log's signature is not a cosignature.
  EXPECT_FALSE(w->verify(*parsed));
  EXPECT_FALSE(verifier(*log, "bronpoort.local/processing-log")->verify_cosignature(*parsed));
}

TEST(SignedNote, MalformedNotesAreRefused) {
  EXPECT_FALSE(SignedNote::parse("text without signatures\n"));
  EXPECT_FALSE(SignedNote::parse("text\n\n- name AAAA\n"));
  EXPECT_FALSE(SignedNote::parse("text\n\n\xE2\x80\x94 name !!!!\n"));
  EXPECT_FALSE(SignedNote::parse("text\n\n\xE2\x80\x94 name AAAAAAAA"));
}

}  // namespace
}  // namespace bronpoort::processing_log
