// The `bronpoort validate` command line.

#include <bronpoort/schema/validate_command.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <bronpoort/schema/bundled.hpp>
#include <bronpoort/schema/validator.hpp>
#include <nlohmann/json.hpp>

namespace bronpoort::schema {
namespace {

constexpr const char* kUsage =
    "usage: bronpoort validate --schema FILE [--ref-dir BASE_URI=DIR]... [--jsonl] "
    "[INSTANCE_FILE...]\n";

struct Options {
  std::string schema_file;
  std::vector<std::pair<std::string, std::string>> ref_dirs;
  bool jsonl = false;
  std::vector<std::string> instances;
};

bool parse_args(int argc, char** argv, Options& opts, std::ostream& err) {
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--schema" && i + 1 < argc) {
      opts.schema_file = argv[++i];
    } else if (arg == "--ref-dir" && i + 1 < argc) {
      std::string spec = argv[++i];
      auto eq = spec.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
        err << "bronpoort validate: --ref-dir wants BASE_URI=DIR, got '" << spec << "'\n";
        return false;
      }
      opts.ref_dirs.emplace_back(spec.substr(0, eq), spec.substr(eq + 1));
    } else if (arg == "--jsonl") {
      opts.jsonl = true;
    } else if (arg.rfind("--", 0) == 0) {
      err << "bronpoort validate: unknown or incomplete option '" << arg << "'\n" << kUsage;
      return false;
    } else {
      opts.instances.push_back(arg);
    }
  }
  if (opts.schema_file.empty() || (opts.jsonl == !opts.instances.empty())) {
    err << kUsage << "Give --schema and either instance files or --jsonl.\n";
    return false;
  }
  return true;
}

bool read_file(const std::string& path, std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  return true;
}

// One result per line, whatever the error text holds.
std::string one_line(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else
      out.push_back(c);
  }
  return out;
}

void report(std::ostream& out, const std::string& name, const ValidationResult& result) {
  if (result.valid) {
    out << "valid " << name << "\n";
    return;
  }
  std::string line = "invalid " + name + ":";
  for (std::size_t i = 0; i < result.errors.size(); ++i) {
    line += (i ? "; " : " ") + result.errors[i].to_string();
  }
  out << one_line(line) << "\n";
}

// Validates one instance text; returns whether it was valid.
bool check(const CompiledSchema& schema, const std::string& name, const std::string& text,
           std::ostream& out) {
  auto instance = nlohmann::json::parse(text, nullptr, false);
  if (instance.is_discarded()) {
    out << one_line("invalid " + name + ": not valid JSON") << "\n";
    return false;
  }
  auto result = schema.validate(instance, ValidationMode::kAllErrors);
  report(out, name, result);
  return result.valid;
}

}  // namespace

int run_validate_command(int argc, char** argv, std::istream& in, std::ostream& out,
                         std::ostream& err) {
  Options opts;
  if (!parse_args(argc, argv, opts, err)) return 2;
  std::string schema_text;
  if (!read_file(opts.schema_file, schema_text)) {
    err << "bronpoort validate: cannot read schema " << opts.schema_file << "\n";
    return 2;
  }
  auto schema_json = nlohmann::json::parse(schema_text, nullptr, false);
  if (schema_json.is_discarded()) {
    err << "bronpoort validate: schema " << opts.schema_file << " is not valid JSON\n";
    return 2;
  }
  // The schema's directory serves its relative references ("other.schema.json").
  std::error_code ec;
  auto absolute = std::filesystem::absolute(opts.schema_file, ec);
  std::string file_uri = "file://" + absolute.lexically_normal().string();
  SchemaRegistry registry;
  registry.map_directory("file://" + absolute.parent_path().lexically_normal().string() + "/",
                         absolute.parent_path().string());
  for (const auto& [base, dir] : opts.ref_dirs) registry.map_directory(base, dir);
  // Formats are asserted as the gateway asserts them for its own schemas, so that checking a config
  // or record file here gives the gateway's answer.
  Compiler compiler(registry, own_schema_options());
  auto compiled = compiler.compile(schema_json, file_uri);
  if (!compiled) {
    err << "bronpoort validate: schema " << opts.schema_file << " is unusable:\n";
    for (const auto& e : compiled.errors()) err << "  " << e.to_string() << "\n";
    return 2;
  }
  const CompiledSchema& schema = *compiled.schema();
  bool all_valid = true;
  if (opts.jsonl) {
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      all_valid = check(schema, "line " + std::to_string(number), line, out) && all_valid;
    }
  } else {
    for (const auto& file : opts.instances) {
      std::string text;
      if (!read_file(file, text)) {
        out << "invalid " << file << ": cannot read file\n";
        all_valid = false;
        continue;
      }
      all_valid = check(schema, file, text, out) && all_valid;
    }
  }
  return all_valid ? 0 : 1;
}

int run_validate_command(int argc, char** argv) {
  return run_validate_command(argc, argv, std::cin, std::cout, std::cerr);
}

}  // namespace bronpoort::schema
