// A size by its title ("Starter"), not its name in the API ("starter"): the sizes are read once per page load.
import { useEffect, useState } from 'react';
import { get } from './api-client.ts';
import type { Size } from './api-types.ts';

let sizes: Promise<Size[]> | undefined;

export function SizeName({ name }: { name: string }) {
  const [title, setTitle] = useState<string | undefined>();
  useEffect(() => {
    sizes ??= get<{ sizes: Size[] }>('/sizes').then((answer) => answer.sizes, () => []);
    let current = true;
    void sizes.then((list) => { if (current) setTitle(list.find((size) => size.name === name)?.title); });
    return () => { current = false; };
  }, [name]);
  return <>{title ?? name}</>;
}
