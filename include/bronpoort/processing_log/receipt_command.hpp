#pragma once
// `bronpoort verify-receipt`: checks a Processing-Log-Receipt header from a response against a
// signed checkpoint and inclusion proofs from the proof API, with nothing but public keys:
//
//   bronpoort verify-receipt --receipt 'chain=gateway-1;seq=41;leaf=ab12...'
//       --checkpoint checkpoint.txt --proof proof-41.json [--proof ...]
//       --log-key keys/demo-log-checkpoint-ed25519.pub.pem [--log-key-name NAME]
//       [--witness-key NAME=PEM ...]
//
// The log key's name defaults to bronpoort.local/processing-log (the default checkpointOrigin).
//
// Exit status: 0 every record of the receipt is in the log under the checkpoint, 1 one is not (or
// a signature does not verify), 2 bad usage or unreadable input.

namespace bronpoort::processing_log {

int run_verify_receipt_command(int argc, char** argv);

}  // namespace bronpoort::processing_log
